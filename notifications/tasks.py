"""The one-minute ticker and the outbox relay. Each task calls a plain function that a command can call too."""

from celery import shared_task

from . import heartbeat
from .outbox import relay_outbox


@shared_task(acks_late=True)
def tick() -> dict:
    """Run by beat every minute: the heartbeat, the deadline scan, the digests, the calendar check, the relay."""
    from .ticker import run_tick

    heartbeat.beat()
    return run_tick()


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def relay() -> dict:
    """Relay the outbox now (queued after a commit that wrote mail; the ticker relays anyway)."""
    result = relay_outbox()
    return {"sent": result.sent, "failed": result.failed, "batches": result.batches}
