"""The ticker on a real Celery worker: a reminder end to end, a worker killed mid-relay, Redis down at commit time."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app
from notifications.heartbeat import last_beat
from notifications.models import Notice, OutgoingMail
from notifications.outbox import queue_mail, wake_relay_on_commit
from notifications.tasks import relay, tick
from tests.celery_support import _filesystem_conf, configured
from tests.servers import RedisServer, SilentMailServer, require_redis_server

from .helpers import drafting_decision, due, open_required_step

ROOT = Path(__file__).resolve().parents[2]
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def test_the_beat_schedule_runs_the_ticker_every_minute():
    entry = app.conf.beat_schedule["tick"]
    assert entry["task"] == tick.name == "notifications.tasks.tick"
    assert entry["schedule"].total_seconds() == 60


@pytest.mark.django_db(transaction=True)
def test_a_reminder_end_to_end_on_a_real_worker(celery_app, settings):
    settings.EMAIL_BACKEND = LOCMEM
    from tests.notifications.conftest import make_world

    world = make_world()
    world.drafter.email = "drafter@example.gov.cn"
    world.drafter.save()
    step = due(open_required_step(drafting_decision(world)), timezone.localdate())

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        report = tick.delay().get(timeout=60)

    notice = Notice.objects.get(recipient=world.drafter)
    assert (notice.step, notice.threshold) == (step, "before:0")
    assert report["scan"] == 1 and report["mail"] == 1 and report["relay"] == 1, report
    assert [message.to for message in mail.outbox] == [["drafter@example.gov.cn"]]
    assert OutgoingMail.objects.get().sent_at is not None
    assert last_beat() is not None and (timezone.now() - last_beat()).total_seconds() < 60


def _worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.postgres_only  # the worker runs in another process: it needs the test database on a server
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_relay_leaves_the_mail_to_be_sent_once_after_restart(tmp_path):
    silent = SilentMailServer()
    conf = _filesystem_conf(tmp_path / "var" / "celery")  # the folders config.settings derives from JUECE_VAR_DIR
    database = connection.settings_dict
    base_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "SECRET_KEY": "juece-test-worker-key",
        "JUECE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
        f"{database['NAME']}",
        "OUTBOX_CLAIM_SECONDS": "3",
    }
    queued = queue_mail(key="act:kill", to="citizen@example.com", subject="决定已公布", body="…")
    first = _worker(
        base_env | {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(silent.port), "EMAIL_TIMEOUT": "120"},
        tmp_path / "worker1.log",
    )
    try:
        with configured(conf):
            relay.delay()
        _wait_for(lambda: OutgoingMail.objects.get(pk=queued.pk).claimed_until is not None, 60, "the claim")
        _wait_for(lambda: silent.connections, 30, "the relay to reach the mail server")
        first.send_signal(signal.SIGKILL)  # in the middle of the send
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
        silent.close()
    stuck = OutgoingMail.objects.get(pk=queued.pk)
    assert stuck.sent_at is None and stuck.claimed_until is not None

    mailbox = tmp_path / "mail"
    second = _worker(
        base_env
        | {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mailbox)},
        tmp_path / "worker2.log",
    )
    try:
        time.sleep(3)  # the dead worker's claim expires
        with configured(conf):
            relay.delay()
            _wait_for(lambda: OutgoingMail.objects.get(pk=queued.pk).sent_at is not None, 60, "the mail to be sent")
            relay.delay()  # another relay afterwards sends nothing more
            time.sleep(2)
    finally:
        second.terminate()
        second.wait(timeout=20)
    sent = "".join(path.read_text() for path in mailbox.iterdir())
    assert sent.count("Message-ID:") == 1 and "citizen@example.com" in sent


@pytest.mark.django_db(transaction=True)
def test_redis_down_at_commit_time_the_mail_is_sent_after_it_is_back(tmp_path, settings):
    settings.EMAIL_BACKEND = LOCMEM
    redis = RedisServer(require_redis_server("the Redis-down relay test"), tmp_path)
    redis.start()
    try:
        with configured({"broker_url": redis.url, "result_backend": redis.url}) as celery_app:
            celery_app.conf.broker_connection_retry_on_startup = False
            with transaction.atomic():
                queue_mail(key="act:redis", to="citizen@example.com", subject="决定已公布", body="…")
                wake_relay_on_commit()
                redis.stop()  # Redis goes down before the commit
            # The wake-up failed (logged), the act committed all the same: the mail waits in the database.
            assert OutgoingMail.objects.get().sent_at is None and mail.outbox == []

            redis.start()  # Redis is back: the next tick relays the mail, once
            with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
                tick.delay().get(timeout=60)
                tick.delay().get(timeout=60)
    finally:
        redis.stop()
    assert OutgoingMail.objects.get().sent_at is not None
    assert [message.to for message in mail.outbox] == [["citizen@example.com"]]
