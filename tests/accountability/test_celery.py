"""The ledger seal as a real Celery task: the project's app, a real worker thread, a real broker.

Every run has one: kombu's filesystem broker in a temporary folder (what `make run` uses without Redis), and, when
REDIS_URL is set, the Redis it names (db 15 there, never the application's).
"""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from accountability.models import LedgerEvent
from accountability.seals import Authenticity, authenticity
from accountability.tasks import seal_ledger
from config.celery import app
from decisions import services
from tests.factories import make_decision, make_world

ROOT = Path(__file__).resolve().parents[2]
BROKERS = ["filesystem", "redis"] if os.environ.get("REDIS_URL") else ["filesystem"]
CONF_NAMES = ("broker_url", "result_backend", "broker_transport_options", "result_backend_transport_options")


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


def _filesystem_conf(folder) -> dict:
    """The filesystem broker as config/settings.py sets it up without REDIS_URL, in `folder`."""
    queue, processed, control, results = (folder / name for name in ("queue", "processed", "control", "results"))
    for path in (queue, processed, control, results):
        path.mkdir(parents=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(control),
            "processed_folder": str(processed),
            "store_processed": False,
        },
        "result_backend": f"file://{results}",
        "result_backend_transport_options": {},
    }


@pytest.fixture(params=BROKERS)
def celery_app(request, tmp_path):
    """The project's Celery app on one test broker; its own configuration is restored afterwards."""
    client = None
    if request.param == "redis":
        import redis

        url = request.getfixturevalue("redis_url")  # fails, never skips, when REDIS_URL's server does not answer
        client = redis.Redis.from_url(url)
        client.flushdb()  # only the test database (15), never the whole server
        conf = {name: {} for name in CONF_NAMES} | {"broker_url": url, "result_backend": url}
    else:
        conf = _filesystem_conf(tmp_path / "celery")
    saved = {name: app.conf.get(name) for name in CONF_NAMES}
    _forget_connections(app)
    app.conf.update(conf)
    try:
        yield app
    finally:
        _forget_connections(app)
        app.conf.update(saved)
        if client is not None:
            client.flushdb()
            client.close()


def test_beat_schedule_seals_the_ledger_every_few_minutes():
    entry = app.conf.beat_schedule["seal-ledger"]
    assert entry["task"] == "accountability.tasks.seal_ledger"
    assert entry["schedule"] == timedelta(minutes=settings.LEDGER_SEAL_INTERVAL_MINUTES) == timedelta(minutes=5)
    assert seal_ledger.name in app.tasks


def test_the_seal_interval_comes_from_the_environment():
    code = "from config.celery import app; print(app.conf.beat_schedule['seal-ledger']['schedule'].total_seconds())"
    environment = {"PATH": os.environ.get("PATH", ""), "DEBUG": "1", "LEDGER_SEAL_INTERVAL_MINUTES": "2"}
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "120.0"


@pytest.mark.django_db(transaction=True)
def test_seal_ledger_runs_on_a_real_worker_and_writes_the_head(celery_app):
    world = make_world()
    decision = make_decision(world)
    services.catalog_decision(decision=decision, actor=world.gov)
    head = LedgerEvent.objects.order_by("-id").first()

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        result = seal_ledger.delay()
        seal = result.get(timeout=20)

    assert result.successful()
    assert (seal["last_event_id"], seal["head_hash"], seal["algorithm"]) == (head.pk, head.hash, "sha256")
    assert seal["chain_verified"] is True and seal["mac_algorithm"] == "hmac-sha256"
    lines = (settings.LEDGER_SEAL_DIR / "ledger-seals.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1]) == seal
    assert authenticity(seal, settings.LEDGER_SEAL_KEY) == Authenticity.AUTHENTICATED
