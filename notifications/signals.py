"""What notifications hears of the rest of the project: each ledger event, to tell the citizens who follow.

Connected in `NotificationsConfig.ready()`. The receiver runs inside the business transaction, so the mail rows it
queues commit or roll back with the act. It works in a savepoint and never fails the act: a government act is not
refused because telling its followers went wrong (the error is logged, the act goes on).
"""

import logging

from django.db import transaction
from django.dispatch import receiver

from accountability.ledger import event_recorded

from .follow import FOLLOWER_ACTIONS, notify_followers

log = logging.getLogger(__name__)


@receiver(event_recorded, dispatch_uid="notifications.tell_followers")
def tell_followers(sender, event, **kwargs) -> None:
    if event.action not in FOLLOWER_ACTIONS:  # most events: nothing to do, no query
        return
    try:
        with transaction.atomic():
            notify_followers(event)
    except Exception:
        log.exception("follow: could not queue the followers' mails for ledger event %s (%s)", event.pk, event.action)
