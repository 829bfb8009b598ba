"""The ledger seal as a real Celery task: the project's app, a real worker thread, a real Redis (db 15)."""

import json

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from accountability.models import LedgerEvent
from accountability.tasks import seal_ledger
from config.celery import app
from decisions import services
from tests.factories import make_decision, make_world


def _forget_connections(celery_app) -> None:
    """Drop the broker pool and result backend the app built from its previous configuration."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    if hasattr(celery_app._local, "backend"):
        del celery_app._local.backend


@pytest.fixture
def celery_on_redis(redis_url):
    """Point the project's Celery app at the test Redis database; restore its configuration afterwards."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()  # only the test database (15), never the whole server
    names = ("broker_url", "result_backend", "broker_transport_options", "result_backend_transport_options")
    saved = {name: app.conf.get(name) for name in names}
    _forget_connections(app)
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        broker_transport_options={},
        result_backend_transport_options={},
    )
    try:
        yield app
    finally:
        _forget_connections(app)
        app.conf.update(saved)
        client.flushdb()
        client.close()


def test_beat_schedule_seals_the_ledger_hourly():
    entry = app.conf.beat_schedule["seal-ledger-hourly"]
    assert entry["task"] == "accountability.tasks.seal_ledger"
    assert seal_ledger.name in app.tasks


@pytest.mark.django_db(transaction=True)
def test_seal_ledger_runs_on_a_real_worker_and_writes_the_head(celery_on_redis):
    world = make_world()
    decision = make_decision(world)
    services.catalog_decision(decision=decision, actor=world.gov)
    head = LedgerEvent.objects.order_by("-id").first()

    with start_worker(celery_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        result = seal_ledger.delay()
        seal = result.get(timeout=20)

    assert result.successful()
    assert (seal["last_event_id"], seal["head_hash"], seal["algorithm"]) == (head.pk, head.hash, "sha256")
    lines = (settings.LEDGER_SEAL_DIR / "ledger-seals.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["head_hash"] == head.hash
