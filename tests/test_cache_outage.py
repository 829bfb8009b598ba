"""Redis is an optimisation: with it down every page serves from the database, and nothing that runs after a commit
turns a committed act into an error page. The Redis here is a `redis-server` of the test's own, on a free port,
stopped and started again mid-test (never the server REDIS_URL names)."""

import logging

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from config.settings import redis_cache
from decisions.procedure import State
from decisions.services import PUBLIC_LIST_CACHE_KEY
from decisions.services.base import forget_public_list
from demo.walkthrough import drive_to, step_forward, upload_decision_text
from tests.factories import PASSWORD, make_decision, make_world
from tests.servers import RedisServer, free_port, require_redis_server


@pytest.fixture
def redis_server(settings, tmp_path):
    """A redis-server of this test's own, with the cache pointed at it as production configures it."""
    server = RedisServer(require_redis_server("the Redis outage tests"), tmp_path)
    server.start()
    settings.CACHES = {"default": redis_cache(server.url)}  # the cache handlers are reset on the change
    try:
        yield server
    finally:
        server.stop()


def _titles(response) -> set[str]:
    return {row["title"] for row in response.context["decisions"]}


@pytest.mark.django_db(transaction=True)  # real commits: the on-commit invalidation runs inside the request
def test_with_redis_down_pages_serve_and_acts_commit_then_the_cache_comes_back(client, redis_server, caplog):
    world = make_world()
    shown = drive_to(make_decision(world, title="已公布的决定"), State.PUBLISHED, world.cast)
    pending = drive_to(make_decision(world, title="待公布的决定"), State.DECIDED, world.cast)
    upload_decision_text(pending, world.gov)
    home, detail = reverse("portal:home"), reverse("portal:decision", args=[shown.pk])

    assert _titles(client.get(home)) == {"已公布的决定"}
    assert cache.get(PUBLIC_LIST_CACHE_KEY) is not None  # Redis up: the portal cached its list

    redis_server.stop()
    with caplog.at_level(logging.ERROR, logger="django_redis"):
        response = client.get(home)
    assert response.status_code == 200 and _titles(response) == {"已公布的决定"}  # from the database
    assert any("ignored" in record.getMessage() for record in caplog.records)  # and the failure is logged
    assert client.get(detail).status_code == 200

    # Logging in and being logged in need no Redis (sessions and django-axes live in the database).
    login = client.post(reverse("login"), {"username": "gov", "password": PASSWORD})
    assert login.status_code == 302, login.content.decode()[:2000]
    publish = client.post(
        reverse("manage:transition", kwargs={"pk": pending.pk, "name": "publish"}),
        {
            "media": "new_media",
            "channels": "市政府门户网站",
            "published_on": timezone.localdate().isoformat(),
            "opinions_explanation": "公众和专家意见的采纳情况见起草说明。",
        },
    )
    assert publish.status_code == 302, publish.context["form"].errors  # not a 500 after the commit
    assert client.get(publish.url).status_code == 200
    pending.refresh_from_db()
    assert pending.status == State.PUBLISHED
    assert LedgerEvent.objects.filter(decision_id=pending.pk, action="decision.publish").count() == 1
    assert verify_chain().ok
    assert _titles(Client().get(home)) == {"已公布的决定", "待公布的决定"}

    redis_server.start()  # empty (no persistence), on the same port
    visitor = Client()
    assert _titles(visitor.get(home)) == {"已公布的决定", "待公布的决定"}
    cached = cache.get(PUBLIC_LIST_CACHE_KEY)
    assert cached is not None and {row["title"] for row in cached} == {"已公布的决定", "待公布的决定"}
    step_forward(pending, world.cast)  # start execution: still public, the cached list is cleared after commit
    assert cache.get(PUBLIC_LIST_CACHE_KEY) is None


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_raises_after_commit_is_logged_not_raised(settings, world, caplog):
    """Even a cache configured without IGNORE_EXCEPTIONS (here: nothing listens on its port) cannot turn a committed
    publication into an error: the invalidation after commit logs a warning."""
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    }
    decision = drive_to(make_decision(world), State.DECIDED, world.cast)
    with caplog.at_level(logging.WARNING, logger="decisions.services.base"):
        step_forward(decision, world.cast)  # publish: commits, then the cache delete fails
    decision.refresh_from_db()
    assert decision.status == State.PUBLISHED
    assert any("Could not clear the cached public list" in record.getMessage() for record in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="decisions.services.base"):
        forget_public_list()
    assert [record.levelno for record in caplog.records] == [logging.WARNING]


def test_nothing_that_must_survive_an_outage_lives_in_the_cache():
    options = redis_cache("redis://cache.example.gov.cn:6379/0")["OPTIONS"]
    assert options["IGNORE_EXCEPTIONS"] is True
    assert options["SOCKET_CONNECT_TIMEOUT"] <= 2 and options["SOCKET_TIMEOUT"] <= 2
    assert django_settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS is True
    assert django_settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    )
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    if django_settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":  # the run with REDIS_URL
        assert django_settings.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
