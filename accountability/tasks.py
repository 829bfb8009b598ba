from celery import shared_task

from .services import seal_ledger_head


@shared_task(name="accountability.tasks.seal_ledger")
def seal_ledger() -> dict:
    return seal_ledger_head()
