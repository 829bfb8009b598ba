"""The test suite's settings: production's, but spoken over plain HTTP to the test client and the live server.

`tests/test_deploy.py` checks the real settings (config.settings) with `check --deploy`.
"""

from .settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; hashing is Django's

# The test run's cache lives in its own Redis database (14), so clearing it between tests never touches the
# application's data (Celery tests use 15).
if REDIS_URL:  # noqa: F405
    _server = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") >= 3 else REDIS_URL  # noqa: F405
    CACHES["default"]["LOCATION"] = _server + "/14"  # noqa: F405
