"""Notices by e-mail, through the outbox: each at once, or one digest a day, as each person chose.

A notice is mailed once: `mailed_at` is set in the transaction that queues its mail (keyed "notice:<id>", or
"digest:<user>:<date>"), so a second pass — or a pass running at the same moment — queues nothing twice.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notice, NoticePreference, OutgoingMail
from .outbox import wake_relay_on_commit

BATCH_SIZE = 500


@dataclass
class MailResult:
    queued: int = 0
    skipped: int = 0  # no e-mail address: the notice stays in the inbox only
    digests: int = 0


def _link(notice: Notice) -> str:
    return f"{settings.SITE_URL}{notice.url}" if notice.url else settings.SITE_URL + "/manage/notices/"


def _body(notices: list[Notice]) -> str:
    lines = []
    for notice in notices:
        lines += [f"· {notice.subject}", f"  {_link(notice)}", ""]
    lines.append(_("Your notices: %(url)s") % {"url": f"{settings.SITE_URL}/manage/notices/"})
    lines.append(
        _("You can choose a daily digest instead: %(url)s") % {"url": f"{settings.SITE_URL}/manage/notices/settings/"}
    )
    return "\n".join(lines)


def _digest_user_ids(user_ids) -> set[int]:
    return set(
        NoticePreference.objects.filter(user_id__in=user_ids, email_mode=NoticePreference.Mode.DIGEST).values_list(
            "user_id", flat=True
        )
    )


def mail_notices(*, batch_size: int = BATCH_SIZE, max_batches: int = 100) -> MailResult:
    """Queue a mail for each new notice of the people who want them at once (the others wait for their digest)."""
    result = MailResult()
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        for _batch in range(max_batches):
            with transaction.atomic():
                notices = list(
                    Notice.objects.filter(mailed_at=None)
                    .exclude(recipient__notice_preference__email_mode=NoticePreference.Mode.DIGEST)
                    .select_related("recipient")
                    .order_by("pk")
                    .select_for_update(skip_locked=True, of=("self",))[:batch_size]
                )
                if not notices:
                    break
                mails = [
                    OutgoingMail(
                        key=f"notice:{notice.pk}",
                        to=notice.recipient.email,
                        subject=notice.subject,
                        body=_body([notice]),
                    )
                    for notice in notices
                    if notice.recipient.email
                ]
                OutgoingMail.objects.bulk_create(mails, ignore_conflicts=True, batch_size=1000)
                Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(mailed_at=now)
                result.queued += len(mails)
                result.skipped += len(notices) - len(mails)
                if mails:
                    wake_relay_on_commit()
            if len(notices) < batch_size:
                break
    return result


def send_digests(*, now: datetime | None = None) -> MailResult:
    """Once a day from NOTICE_DIGEST_HOUR: one mail per person who chose the digest, listing their new notices."""
    result = MailResult()
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.NOTICE_DIGEST_HOUR:
        return result
    digest_users = NoticePreference.objects.filter(email_mode=NoticePreference.Mode.DIGEST).values_list(
        "user_id", flat=True
    )
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        waiting = list(
            Notice.objects.filter(mailed_at=None, recipient_id__in=digest_users, created_at__lte=now)
            .select_related("recipient")
            .order_by("recipient_id", "pk")
            .select_for_update(skip_locked=True, of=("self",))
        )
        # One digest a day: whoever had today's already keeps the newer notices for tomorrow's.
        key_prefix = "digest:"
        today_keys = {f"{key_prefix}{notice.recipient_id}:{local.date().isoformat()}" for notice in waiting}
        sent_today = set(OutgoingMail.objects.filter(key__in=today_keys).values_list("key", flat=True))
        waiting = [n for n in waiting if f"{key_prefix}{n.recipient_id}:{local.date().isoformat()}" not in sent_today]
        by_user: dict[int, list[Notice]] = defaultdict(list)
        for notice in waiting:
            by_user[notice.recipient_id].append(notice)
        mails = []
        for user_id, notices in by_user.items():
            recipient = notices[0].recipient
            if not recipient.email:
                result.skipped += len(notices)
                continue
            subject = _("Juece: %(count)s new notices (%(date)s)") % {
                "count": len(notices),
                "date": local.date().isoformat(),
            }
            mails.append(
                OutgoingMail(
                    key=f"{key_prefix}{user_id}:{local.date().isoformat()}",
                    to=recipient.email,
                    subject=subject,
                    body=_body(notices),
                )
            )
        OutgoingMail.objects.bulk_create(mails, ignore_conflicts=True)
        Notice.objects.filter(pk__in=[notice.pk for notice in waiting]).update(mailed_at=now)
        result.digests = len(mails)
        result.queued = len(mails)
        if mails:
            wake_relay_on_commit()
    return result
