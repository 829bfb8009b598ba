"""Tests use only the Redis REDIS_URL names (databases 14 and 15 there; two lower for each further process of a
parallel run), none without it, and fail if it is down."""

import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from config.test_settings import redis_db_url
from tests.conftest import redis_test_url, require_redis


def test_without_redis_url_tests_name_no_redis(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert redis_test_url() is None


def test_with_redis_url_tests_use_db_15_on_its_server(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://:secret@cache.example.gov.cn:6380/3")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    assert redis_test_url() == "redis://:secret@cache.example.gov.cn:6380/15"


def test_each_process_of_a_parallel_run_has_databases_of_its_own(monkeypatch):
    from config.test_settings import worker_databases

    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert worker_databases() == (12, 13)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert redis_test_url() == "redis://127.0.0.1:6379/13"
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert worker_databases() == (14, 15)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/14"),
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/14"),
        (
            "rediss://user:pw@redis.internal:6390/2?ssl_cert_reqs=none",
            "rediss://user:pw@redis.internal:6390/14?ssl_cert_reqs=none",
        ),
        ("unix:///run/redis/redis.sock?db=0", "unix:///run/redis/redis.sock?db=14"),
    ],
)
def test_redis_db_url_keeps_the_server_and_changes_only_the_database(url, expected):
    assert redis_db_url(url, 14) == expected


def test_a_named_redis_that_does_not_answer_fails_rather_than_skips():
    with pytest.raises(pytest.fail.Exception, match="does not answer"):
        require_redis("redis://127.0.0.1:1/15")


def test_this_run_configures_redis_only_where_redis_url_says():
    redis_url = os.environ.get("REDIS_URL", "")
    cache = settings.CACHES["default"]
    if not redis_url:
        assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
        assert settings.CELERY_BROKER_URL == "filesystem://"
        assert not settings.CELERY_RESULT_BACKEND.startswith("redis")
        return
    from config.test_settings import worker_databases

    server = urlsplit(redis_url).netloc
    cache_db, celery_db = worker_databases()  # 14 and 15 in the first (or only) test process
    assert (urlsplit(cache["LOCATION"]).netloc, urlsplit(cache["LOCATION"]).path) == (server, f"/{cache_db}")
    for url in (settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND):
        assert (urlsplit(url).netloc, urlsplit(url).path) == (server, f"/{celery_db}")
