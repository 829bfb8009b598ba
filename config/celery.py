"""The Celery app and its static beat schedule.

The schedule lives here, in code, on purpose: no admin-editable schedules (a security surface). Later issues add
entries; each entry calls a task that calls a service.
"""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("juece")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_to_start_without_a_secret_key(**kwargs):
    from config.secret_key import MISSING_KEY_MESSAGE, secret_key_missing

    if secret_key_missing():
        raise SystemExit(MISSING_KEY_MESSAGE)  # Celery logs and swallows an Exception from a signal; not this


app.conf.beat_schedule = {
    # Export the ledger head outside the database: a superuser could rewrite the whole chain.
    "seal-ledger-hourly": {
        "task": "accountability.tasks.seal_ledger",
        "schedule": crontab(minute=5),
    },
}
