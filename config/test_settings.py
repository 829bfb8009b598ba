"""The test suite's settings: production's, but spoken over plain HTTP to the test client and the live server.

`tests/test_deploy.py` checks the real settings (config.settings) with `check --deploy`.
"""

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# The suite runs with no environment: config.settings refuses to start without SECRET_KEY when DEBUG is off, so the
# test run brings its own key before importing them (an environment that sets one keeps it).
os.environ.setdefault("SECRET_KEY", "juece-test-suite-only-key-not-for-any-deployment")

from .settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; hashing is Django's
# Seals are authenticated with a key from the environment (none here): the suite brings its own, as a setting only,
# so that the subprocesses of tests/test_deploy.py still start without one.
LEDGER_SEAL_KEY = LEDGER_SEAL_KEY or "juece-test-suite-only-ledger-seal-key-not-for-any-deployment"  # noqa: F405

# Templates render {% static %} without a collectstatic manifest; tests/test_static.py checks the production storage.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Nothing is collected into STATIC_ROOT in a test run: WhiteNoise looks files up per request rather than scanning
# (and warning about) a missing directory when each test client starts.
WHITENOISE_AUTOREFRESH = True


def redis_db_url(url: str, db: int) -> str:
    """The URL of database `db` on the Redis server `url` names (redis://, rediss:// or unix://)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "db"]
    if parts.scheme == "unix":  # unix://[user@]/path/to/redis.sock?db=N (urlunsplit would drop the empty host)
        return f"unix://{parts.netloc}{parts.path}?{urlencode([*query, ('db', str(db))])}"
    return urlunsplit(parts._replace(path=f"/{db}", query=urlencode(query)))


def worker_databases() -> tuple[int, int]:
    """The Redis databases of this test process (cache, Celery): 14 and 15, and two lower for each further process
    of a parallel run (pytest-xdist's worker gw1: 12 and 13), so that processes never clear each other's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return 14 - 2 * index, 15 - 2 * index


# Tests use Redis only on the server REDIS_URL names, and only their own databases there: the cache in 14 (cleared
# between tests), Celery in 15 (tests/conftest.py), per test process (`worker_databases`). With REDIS_URL unset no
# test touches any Redis.
if REDIS_URL:  # noqa: F405
    CACHES["default"]["LOCATION"] = redis_db_url(REDIS_URL, worker_databases()[0])  # noqa: F405
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = redis_db_url(REDIS_URL, worker_databases()[1])  # noqa: F405

# Tests log staff in directly (force_login); the second factor is tested on its own (tests/accounts/test_otp.py).
OTP_REQUIRED = False
