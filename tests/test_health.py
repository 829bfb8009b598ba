"""The health probes: /healthz (the process answers) and /readyz (database, Redis, the worker's heartbeat).

Every failure here is real: a redis-server of the test's own, started and then stopped; a database alias pointing at
a closed port or at a SQLite file that cannot be opened; no heartbeat, or an old one.
"""

import json
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Heartbeat
from tests.factories import make_world
from tests.servers import RedisServer, require_redis_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def client(client):
    """The probes' reasons in English, so the tests can read them (they answer in the site's language)."""
    client.cookies["django_language"] = "en"
    return client


def _fresh_heartbeat(age_seconds: int = 0) -> None:
    Heartbeat.objects.update_or_create(
        name="ticker", defaults={"beat_at": timezone.now() - timedelta(seconds=age_seconds)}
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def test_healthz_answers_ok_and_is_never_stored(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert reverse("healthz") == "/healthz" and reverse("readyz") == "/readyz"


@pytest.mark.django_db
def test_readyz_is_ready_with_a_fresh_heartbeat(client, settings):
    _fresh_heartbeat(age_seconds=5)
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "redis", "worker"}
    assert all(check["status"] == "ok" and check["reason"] for check in body["checks"].values())
    assert "no-store" in response["Cache-Control"]
    if not settings.REDIS_URL:
        assert "not configured" in body["checks"]["redis"]["reason"]


@pytest.mark.django_db
@pytest.mark.parametrize("heartbeat_age", [None, "old"])
def test_readyz_fails_naming_the_worker_without_a_recent_heartbeat(client, settings, heartbeat_age):
    if heartbeat_age == "old":
        _fresh_heartbeat(age_seconds=settings.HEARTBEAT_MAX_AGE_SECONDS + 30)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["failing"] == ["worker"]
    assert body["checks"]["worker"]["status"] == "error"
    expected = "no heartbeat yet" if heartbeat_age is None else "s old (more than"
    assert expected in body["checks"]["worker"]["reason"]
    assert body["checks"]["database"]["status"] == "ok"


@pytest.fixture
def own_redis(settings, tmp_path):
    """A redis-server of this test's own on a free port, named by REDIS_URL for the test."""
    server = RedisServer(require_redis_server("the Redis readiness test"), tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.django_db
def test_readyz_fails_naming_redis_when_it_is_down(client, own_redis):
    _fresh_heartbeat()
    up = client.get("/readyz")
    assert up.status_code == 200, up.content
    assert "PING answered" in up.json()["checks"]["redis"]["reason"]

    own_redis.stop()
    started = time.monotonic()
    down = client.get("/readyz")
    assert time.monotonic() - started < 10  # a Redis that does not answer costs the probe a second, not a hang
    assert down.status_code == 503
    body = down.json()
    assert body["failing"] == ["redis"]
    assert "REDIS_URL" in body["checks"]["redis"]["reason"]
    assert body["checks"]["worker"]["status"] == body["checks"]["database"]["status"] == "ok"


READYZ_IN_A_PROCESS = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
client.cookies["django_language"] = "en"
response = client.get("/readyz")
print(response.status_code, json.dumps(response.json()))
"""


@pytest.mark.parametrize("broken", ["postgresql-closed-port", "sqlite-unopenable-file"])
def test_readyz_fails_naming_the_database_when_it_does_not_answer(broken, tmp_path):
    """A process of its own whose database really cannot be reached (pytest-django would refuse a second alias in
    this one before the probe reached the network): a PostgreSQL port nobody listens on, a SQLite file in a folder
    that does not exist."""
    if broken == "postgresql-closed-port":
        url = f"postgres://postgres@127.0.0.1:{_closed_port()}/juece_nowhere?connect_timeout=2"
    else:
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": url,
        "JUECE_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", READYZ_IN_A_PROCESS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    body = json.loads(body)
    assert status == "503" and "database" in body["failing"]
    assert body["checks"]["database"]["status"] == "error"
    assert "database default does not answer (OperationalError)" in body["checks"]["database"]["reason"]


@pytest.mark.django_db
def test_the_probes_are_not_redirected_to_https_nor_by_the_session_middleware(client, settings):
    """Production settings redirect everything else to HTTPS; the probes answer over plain HTTP, and a browser
    session that must give its second factor, or change its password, or has ended, is not sent anywhere."""
    settings.SECURE_SSL_REDIRECT = True
    settings.OTP_REQUIRED = True
    settings.SESSION_IDLE_TIMEOUT = 0
    _fresh_heartbeat()
    assert client.get("/manage/").status_code == 301  # the rest of the site: to HTTPS

    world = make_world()
    world.drafter.must_change_password = True
    world.drafter.save(update_fields=["must_change_password"])
    client.force_login(world.drafter)
    time.sleep(1.1)  # past the idle limit of 0 s
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz", secure=True).status_code == 200
