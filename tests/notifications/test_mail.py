"""Notices by e-mail through the outbox: at once or in a daily digest, queued once, sent once, never lost."""

import socket
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.mailing import mail_notices, send_digests
from notifications.models import Notice, NoticePreference, OutgoingMail
from notifications.outbox import queue_mail, relay_outbox
from notifications.scan import scan_deadlines

from .helpers import TUESDAY, drafting_decision, due, open_required_step

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = LOCMEM
    return mail.outbox


def _remind(world, on=TUESDAY):
    due(open_required_step(drafting_decision(world)), on)
    scan_deadlines(today=TUESDAY)


def test_a_notice_is_mailed_at_once_through_the_outbox_once(world, locmem):
    _remind(world)
    assert mail_notices().queued == 1
    assert mail_notices().queued == 0  # queued once
    queued = OutgoingMail.objects.get()
    notice = Notice.objects.get()
    assert (queued.key, queued.to, queued.subject) == (f"notice:{notice.pk}", world.drafter.email, notice.subject)
    assert notice.mailed_at is not None and queued.sent_at is None

    assert relay_outbox().sent == 1
    assert relay_outbox().sent == 0  # sent once
    (message,) = locmem
    assert message.to == [world.drafter.email] and message.subject == notice.subject
    assert f"/manage/steps/{notice.step_id}/" in message.body
    assert message.extra_headers["Message-ID"].startswith("<") and "@" in message.extra_headers["Message-ID"]
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 1


def test_a_person_without_an_address_keeps_the_notice_in_the_inbox_only(world):
    world.drafter.email = ""
    world.drafter.save()
    _remind(world)
    result = mail_notices()
    assert (result.queued, result.skipped) == (0, 1) and not OutgoingMail.objects.exists()
    assert Notice.objects.get().mailed_at is not None


def test_digest_people_get_one_mail_a_day_from_the_digest_hour(world, settings, locmem):
    settings.NOTICE_DIGEST_HOUR = 8
    services.set_email_mode(world.drafter, NoticePreference.Mode.DIGEST)
    due(open_required_step(drafting_decision(world)), TUESDAY)
    due(open_required_step(drafting_decision(world)), TUESDAY)
    scan_deadlines(today=TUESDAY)
    assert mail_notices().queued == 0  # they wait for the digest
    tz = timezone.get_current_timezone()
    assert send_digests(now=datetime(2026, 12, 1, 7, 59, tzinfo=tz)).digests == 0  # before the hour
    assert send_digests(now=datetime(2026, 12, 1, 8, 0, tzinfo=tz)).digests == 1
    digest = OutgoingMail.objects.get()
    assert digest.key == f"digest:{world.drafter.pk}:2026-12-01" and "2" in digest.subject
    assert digest.body.count("/manage/steps/") == 2

    due(open_required_step(drafting_decision(world)), TUESDAY)  # a later notice the same day
    scan_deadlines(today=TUESDAY)
    assert send_digests(now=datetime(2026, 12, 1, 15, 0, tzinfo=tz)).digests == 0  # one digest a day
    assert Notice.objects.filter(mailed_at=None).count() == 1  # kept for tomorrow's, not lost
    assert send_digests(now=datetime(2026, 12, 2, 8, 0, tzinfo=tz)).digests == 1


def test_a_rolled_back_act_queues_nothing(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail(key="act:1", to="someone@example.gov.cn", subject="决定已公布", body="…")
        raise RuntimeError("the act failed")
    assert not OutgoingMail.objects.exists()


def test_the_same_key_is_queued_once(world):
    first = queue_mail(key="act:2", to="a@example.gov.cn", subject="一", body="…")
    second = queue_mail(key="act:2", to="b@example.gov.cn", subject="二", body="…")
    assert first.pk == second.pk and OutgoingMail.objects.count() == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_the_mail_server_down_the_mail_waits_and_is_sent_once_when_it_is_back(world, settings):
    queue_mail(key="act:3", to="citizen@example.com", subject="决定已公布", body="…")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2

    result = relay_outbox()
    assert (result.sent, result.failed) == (0, 1)
    waiting = OutgoingMail.objects.get()
    assert waiting.sent_at is None and waiting.attempts == 1 and "ConnectionRefused" in waiting.last_error
    assert waiting.send_after > timezone.now() + timedelta(seconds=50)  # backoff: not hammered every tick
    assert relay_outbox().sent == 0  # not before its time

    settings.EMAIL_BACKEND = LOCMEM
    OutgoingMail.objects.filter(pk=waiting.pk).update(send_after=timezone.now())  # the backoff has passed
    assert relay_outbox().sent == 1 and relay_outbox().sent == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["citizen@example.com"]


def test_a_claimed_mail_is_left_alone_until_its_claim_expires(world, locmem):
    queued = queue_mail(key="act:4", to="citizen@example.com", subject="决定已公布", body="…")
    OutgoingMail.objects.filter(pk=queued.pk).update(claimed_until=timezone.now() + timedelta(minutes=5))
    assert relay_outbox().sent == 0  # another relay is sending it
    OutgoingMail.objects.filter(pk=queued.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert relay_outbox().sent == 1 and len(locmem) == 1  # that relay died: the claim expired


def test_addresses_are_not_kept_longer_than_needed(world):
    from notifications.follow import purge_stale_follows
    from notifications.models import Follow
    from notifications.outbox import purge_sent

    now = timezone.now()
    old, recent = now - timedelta(days=91), now - timedelta(days=1)
    for key, sent in (("old", old), ("recent", recent), ("unsent", None)):
        OutgoingMail.objects.create(key=key, to="c@example.com", subject="…", body="…", sent_at=sent)
    assert purge_sent() == 1 and set(OutgoingMail.objects.values_list("key", flat=True)) == {"recent", "unsent"}

    organ = world.city
    rows = {
        "never-confirmed": {"created_at": now - timedelta(days=8)},
        "just-asked": {"created_at": now - timedelta(days=1)},
        "left-long-ago": {"confirmed_at": now - timedelta(days=60), "unsubscribed_at": now - timedelta(days=31)},
        "following": {"confirmed_at": now - timedelta(days=60)},
    }
    for token, fields in rows.items():
        Follow.objects.create(email=f"{token}@example.com", organ=organ, token=token, **fields)
    assert purge_stale_follows() == 2
    assert set(Follow.objects.values_list("token", flat=True)) == {"just-asked", "following"}
