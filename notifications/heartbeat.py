"""The ticker's heartbeat: written by each run of the one-minute ticker in the worker, read by /readyz."""

from datetime import datetime

from django.utils import timezone

from .models import Heartbeat

TICKER = "ticker"


def beat(name: str = TICKER) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


def last_beat(name: str = TICKER) -> datetime | None:
    return Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
