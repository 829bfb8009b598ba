import os
import shutil

import pytest
from django.db import connection
from django.test import TransactionTestCase
from django.utils import translation

from accountability import triggers
from config.test_settings import redis_db_url, worker_databases

from .celery_support import celery_app  # noqa: F401 - the fixture, for every test module
from .factories import make_decision, make_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    for item in items:
        if "postgres_only" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://…)"))


# Django empties tables after a transactional test with TRUNCATE/DELETE, which the ledger's triggers refuse
# (as they must). Only around that flush, and only in tests, the triggers come off and go back on.
_original_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown_with_ledger(self):
    from django.db import connections

    for alias in self._databases_names(include_mirrors=False):
        triggers.drop(connections[alias])
    try:
        _original_fixture_teardown(self)
    finally:
        for alias in self._databases_names(include_mirrors=False):
            triggers.install(connections[alias])


TransactionTestCase._fixture_teardown = _fixture_teardown_with_ledger


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the portal caches its list)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LEDGER_SEAL_DIR = tmp_path / "seals"


@pytest.fixture
def english():
    """Messages in English, so tests can assert on their words (modules opt in with `usefixtures`)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def decision(world):
    return make_decision(world)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = "Debian chromium is missing: apt-get install -y chromium fonts-noto-cjk"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


def redis_test_url() -> str | None:
    """The Redis database tests may use: db 15 on the server REDIS_URL names, or None when REDIS_URL is unset.

    Tests never guess a Redis (no 127.0.0.1 default): with REDIS_URL unset none of them touches one.
    """
    base = os.environ.get("REDIS_URL", "")
    return redis_db_url(base, worker_databases()[1]) if base else None


def require_redis(url: str) -> str:
    """`url`, once its Redis answers; a Redis that REDIS_URL names but that does not answer fails (never skips)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"REDIS_URL names a Redis that does not answer ({error}): start it, or unset REDIS_URL")
    finally:
        client.close()
    return url


@pytest.fixture
def redis_url():
    """db 15 on the server REDIS_URL names (tests needing Redis are skipped only when REDIS_URL is unset)."""
    url = redis_test_url()
    if url is None:
        pytest.skip("REDIS_URL is not set: tests use no Redis")
    return require_redis(url)


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None
