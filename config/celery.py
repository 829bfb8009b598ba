"""The Celery app and its static beat schedule.

The schedule lives here, in code, on purpose: no admin-editable schedules (a security surface). Later issues add
entries; each entry calls a task that calls a service.
"""

import os
from datetime import timedelta

from celery import Celery, signals
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("juece")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_the_filesystem_broker_folders(sender, **kwargs):
    """kombu's filesystem broker and the file result backend (no Redis) need their folders before a worker or beat
    connects."""
    from pathlib import Path

    options = sender.conf.broker_transport_options or {}
    if str(sender.conf.broker_url or "").startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = str(sender.conf.result_backend or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_to_start_without_a_secret_key(**kwargs):
    from config.secret_key import MISSING_KEY_MESSAGE, secret_key_missing

    if secret_key_missing():
        raise SystemExit(MISSING_KEY_MESSAGE)  # Celery logs and swallows an Exception from a signal; not this


app.conf.beat_schedule = {
    # The ticker: the heartbeat, the deadline scan, digests, the calendar check and the outbox relay. Due times live
    # in the database; the ticker only looks at them (never a Celery ETA days away: Redis would redeliver it).
    "tick": {"task": "notifications.tasks.tick", "schedule": timedelta(seconds=60)},
    # Seal the ledger head outside the database (and send the seal off the host) every few minutes: a superuser could
    # rewrite the whole chain, or drop its newest events before the next seal.
    "seal-ledger": {
        "task": "accountability.tasks.seal_ledger",
        "schedule": timedelta(minutes=settings.LEDGER_SEAL_INTERVAL_MINUTES),
    },
}
