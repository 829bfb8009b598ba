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
from tests.factories import enter_in_catalog, make_decision, make_world

ROOT = Path(__file__).resolve().parents[2]


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
    enter_in_catalog(world, decision)
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
