"""The mail outbox: rows written in the business transaction, relayed by the ticker.

A rolled-back act leaves no row, so sends nothing. With Redis down at commit time the row waits in the database
and the next tick after Redis is back relays it; with the mail server down the relay retries with backoff. A relay
claims rows for a lease before sending: a worker killed mid-send leaves its claim to expire, and the next relay
sends the mail once (the row is marked sent in the same breath as the send; only a crash between the server's
acceptance and that mark could repeat it, and the repeat carries the same Message-ID).
"""

import contextlib
import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutgoingMail

log = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_BACKOFF = timedelta(hours=1)


def queue_mail(*, key: str, to: str, subject: str, body: str, headers: dict | None = None) -> OutgoingMail:
    """Queue one mail in the current transaction; the same `key` is queued once (the first row wins)."""
    mail, _created = OutgoingMail.objects.get_or_create(
        key=key[:160], defaults={"to": to, "subject": subject[:300], "body": body, "headers": headers or {}}
    )
    return mail


def message_id(mail: OutgoingMail) -> str:
    digest = hashlib.sha256(mail.key.encode()).hexdigest()[:32]
    return f"<{digest}.{mail.pk}@{settings.MAIL_MESSAGE_ID_DOMAIN}>"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class RelayResult:
    sent: int = 0
    failed: int = 0
    batches: int = 0


def _claim(batch_size: int) -> list[OutgoingMail]:
    now = timezone.now()
    lease = timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    with transaction.atomic():
        pending = (
            OutgoingMail.objects.filter(sent_at=None, send_after__lte=now)
            .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
            .order_by("send_after", "id")
            .select_for_update(skip_locked=True)[:batch_size]
        )
        rows = list(pending)
        if rows:
            OutgoingMail.objects.filter(pk__in=[row.pk for row in rows]).update(claimed_until=now + lease)
    return rows


def relay_outbox(*, batch_size: int = BATCH_SIZE, max_batches: int = 50) -> RelayResult:
    """Send what is due, in batches; each row is claimed before it is sent and marked sent right after."""
    result = RelayResult()
    connection = get_connection(fail_silently=False)
    try:
        for _batch in range(max_batches):
            rows = _claim(batch_size)
            if not rows:
                break
            result.batches += 1
            for mail in rows:
                headers = {"Message-ID": message_id(mail), **mail.headers}
                message = EmailMessage(
                    mail.subject,
                    mail.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [mail.to],
                    headers=headers,
                    connection=connection,
                )
                try:
                    message.send()
                except Exception as error:  # the mail server refused or is down: retry later, never drop
                    attempts = mail.attempts + 1
                    OutgoingMail.objects.filter(pk=mail.pk).update(
                        attempts=attempts,
                        last_error=f"{type(error).__name__}: {error}"[:2000],
                        send_after=timezone.now() + backoff(attempts),
                        claimed_until=None,
                    )
                    result.failed += 1
                    log.warning("outbox: mail %s not sent (%s); attempt %s", mail.pk, error, attempts)
                    continue
                OutgoingMail.objects.filter(pk=mail.pk).update(
                    sent_at=timezone.now(), attempts=mail.attempts + 1, claimed_until=None, last_error=""
                )
                result.sent += 1
            if result.failed:
                break  # the server is failing: leave the rest for the next tick
    finally:
        with contextlib.suppress(Exception):  # a broken SMTP connection may fail to close
            connection.close()
    return result


def pending_count() -> int:
    return OutgoingMail.objects.filter(sent_at=None).count()


def wake_relay_on_commit() -> None:
    """Ask a worker to relay now, after the commit (best effort: the ticker relays within a minute anyway)."""

    def _wake():
        try:
            from .tasks import relay

            relay.delay()
        except Exception as error:  # Redis down at commit time: the row waits in the database for the next tick
            log.warning("outbox: could not wake the relay (%s); the ticker will send the mail", error)

    transaction.on_commit(_wake)


SENT_KEPT = timedelta(days=90)


def purge_sent(*, now=None) -> int:
    """Sent mail holds addresses: kept 90 days as the record of what went out, then deleted (PIPL Art. 19)."""
    now = now or timezone.now()
    deleted, _by_model = OutgoingMail.objects.filter(sent_at__lt=now - SENT_KEPT).delete()
    return deleted
