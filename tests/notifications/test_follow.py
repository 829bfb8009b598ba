"""Citizens who follow a decision or an organ's catalog: the events they are told of, once each, in bounded queries,
through the outbox (its rows are the observable mail), and then relayed as real mails."""

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accountability.ledger import event_recorded
from accountability.models import LedgerEvent
from decisions import services
from decisions.procedure import AdjustmentPurpose, State
from demo.walkthrough import Walkthrough, drive_to, step_forward
from notifications import follow as following
from notifications.models import Follow, OutgoingMail
from notifications.outbox import relay_outbox
from tests.factories import enter_in_catalog, make_decision

SITE = "https://juece.example.gov.cn"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def published(world, title="关于调整中心城区公共交通票价的决定", state=State.PUBLISHED, **fields):
    return drive_to(make_decision(world, title=title, **fields), state, world.cast)


def follower(email, *, decision=None, organ=None, confirmed=True, unsubscribed=False) -> Follow:
    """A follower as the service makes one (the confirmation mail queued), confirmed (or not), unsubscribed (or not)."""
    following.request_follow(email=email, decision=decision, organ=organ, client_address="198.51.100.7")
    follow = Follow.objects.get(email=email, decision=decision, organ=organ)
    if confirmed:
        assert following.confirm_follow(follow) == following.Outcome.CONFIRMED
    if unsubscribed:
        following.unsubscribe(follow)
    follow.refresh_from_db()
    return follow


def notices():
    """The followers' mails (not the confirmations), by recipient."""
    return {row.to: row for row in OutgoingMail.objects.filter(key__startswith="follow:")}


def suspend(decision, world):
    return services.suspend_decision(decision=decision, actor=world.gov, reason="紧急情况，暂停执行。")


def test_follow_confirm_then_a_publication_tells_each_active_follower_once(world):
    decision = drive_to(make_decision(world, title="关于实施垃圾分类的决定"), State.DECIDED, world.cast)
    active = follower("active@example.cn", organ=world.city)
    follower("pending@example.cn", organ=world.city, confirmed=False)
    follower("gone@example.cn", organ=world.city, unsubscribed=True)
    follower("elsewhere@example.cn", organ=world.other_city)
    # The confirmation mail: its link, and the unsubscribe link in its headers too.
    confirmation = OutgoingMail.objects.get(key=f"follow-confirm:{active.pk}:1")
    assert confirmation.to == "active@example.cn"
    assert f"{SITE}/follow/confirm/{active.token}/" in confirmation.body
    assert confirmation.headers == {
        "List-Unsubscribe": f"<{SITE}/follow/unsubscribe/{active.token}/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }

    step_forward(decision, world.cast)  # publish, through the real services
    decision.refresh_from_db()
    assert decision.status == State.PUBLISHED

    told = notices()
    assert set(told) == {"active@example.cn"}  # not the unconfirmed, the unsubscribed, another organ's follower
    row = told["active@example.cn"]
    event = LedgerEvent.objects.get(decision_id=decision.pk, action="decision.publish")
    assert row.key == f"follow:{active.pk}:{event.pk}"
    assert "关于实施垃圾分类的决定" in row.subject
    assert "关于实施垃圾分类的决定" in row.body and decision.number in row.body
    assert f"{SITE}/decisions/{decision.pk}/" in row.body
    assert f"{SITE}/follow/unsubscribe/{active.token}/" in row.body
    assert row.headers["List-Unsubscribe"] == f"<{SITE}/follow/unsubscribe/{active.token}/>"
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The same event again (a re-run, a replayed signal) queues nothing twice.
    before = OutgoingMail.objects.count()
    following.notify_followers(event)
    event_recorded.send(sender=LedgerEvent, event=event)
    assert OutgoingMail.objects.count() == before


def test_a_decisions_followers_hear_of_its_suspension_and_adjustment(world):
    decision = published(world, state=State.IN_EXECUTION)
    ours = follower("citizen@example.cn", decision=decision)
    follower("organ-only@example.cn", organ=world.city)  # the organ's followers hear of publications, not these
    services.start_adjustment(
        decision=decision, actor=world.gov, purpose=AdjustmentPurpose.CHANGE, reason="评估建议调整票价结构。"
    )
    suspend(decision, world)  # while the adjustment runs (a suspension alone would open it itself)
    drive_to(decision, State.PUBLISHED, world.cast)  # the adjustment: reviewed, adopted, the adjusted text published
    rows = OutgoingMail.objects.filter(key__startswith=f"follow:{ours.pk}:").order_by("pk")
    actions = [LedgerEvent.objects.get(pk=row.key.rsplit(":", 1)[1]).action for row in rows]
    assert actions == [
        "decision.start_adjustment",
        "decision.suspend",
        "decision.record_collective_decision",
        "decision.publish",
    ]
    assert [row.to for row in rows] == ["citizen@example.cn"] * 4
    # The adjusted decision's publication also reaches the organ's followers, once each.
    assert OutgoingMail.objects.filter(key__startswith="follow:", to="organ-only@example.cn").count() == 1


def test_an_evaluation_that_opens_an_adjustment_and_its_abandonment_are_told(world, settings):
    settings.LANGUAGE_CODE = "en"  # the mails' language (Chinese by default), so the test reads their words
    decision = published(world, state=State.IN_EXECUTION)
    ours = follower("citizen@example.cn", decision=decision)
    Walkthrough(world.cast).evaluate(decision, "adjust", "建议调整票价结构。")  # staged: no year to wait
    services.abandon_adjustment(decision=decision, actor=world.gov, reason="情况变化，不再调整。")
    rows = list(OutgoingMail.objects.filter(key__startswith=f"follow:{ours.pk}:").order_by("pk"))
    assert len(rows) == 2  # the evaluation's start is not told; its completion and the abandonment are
    assert "an adjustment of the decision has started" in rows[0].body
    assert "abandoned" in rows[1].body


def test_one_address_following_both_the_decision_and_its_organ_gets_one_mail_per_event(world):
    decision = published(world, state=State.IN_EXECUTION)
    follower("both@example.cn", decision=decision)
    follower("both@example.cn", organ=world.city)
    services.start_adjustment(decision=decision, actor=world.gov, purpose=AdjustmentPurpose.CHANGE, reason="调整。")
    drive_to(decision, State.PUBLISHED, world.cast)
    publish = LedgerEvent.objects.filter(decision_id=decision.pk, action="decision.publish").latest("pk")
    assert OutgoingMail.objects.filter(key__endswith=f":{publish.pk}", to="both@example.cn").count() == 1


def test_an_organs_followers_hear_of_a_decision_entering_its_catalog_unless_claimed_confidential(world):
    follower("catalog@example.cn", organ=world.city)
    enter_in_catalog(world, make_decision(world, title="公开事项"))
    claimed = make_decision(world, title="保密事项", is_confidential=True, confidential_reason="涉及国家秘密。")
    enter_in_catalog(world, claimed)
    bodies = [row.body for row in OutgoingMail.objects.filter(key__startswith="follow:")]
    # The catalog's two publications (the first with 公开事项, an adjustment adding the claimed one) and the public
    # decision's entry into it; nothing names the claimed one.
    assert len(bodies) == 3 and sum("公开事项" in body for body in bodies) == 1
    assert not any("保密事项" in body for body in bodies)


def test_nothing_is_told_about_a_confidential_decision_even_to_a_follower_row_that_exists(world):
    secret = make_decision(world, title="保密决定", is_confidential=True, confidential_reason="涉及国家秘密。")
    secret = drive_to(secret, State.IN_EXECUTION, world.cast)
    assert secret.is_lawfully_confidential
    # Nobody can follow it through the service; a row put there by hand is not told either.
    with pytest.raises(following.FollowRefusal):
        following.request_follow(email="x@example.cn", decision=secret, client_address="198.51.100.7")
    Follow.objects.create(email="x@example.cn", decision=secret, token="t" * 43, confirmed_at=timezone.now())
    follower("organ@example.cn", organ=world.city)
    suspend(secret, world)
    assert notices() == {}


def test_the_catalog_and_participation_events_to_come_are_mapped(world):
    """The names other apps will record: followers hear of them as soon as they are recorded."""
    from accountability.ledger import record_event

    decision = published(world, state=State.IN_EXECUTION)
    ours = follower("citizen@example.cn", decision=decision)
    organ = follower("organ@example.cn", organ=world.city)
    for action in ("consultation.opened", "consultation.closed", "feedback.published", "evaluation.summary_published"):
        record_event(actor=world.gov, action=action, obj=decision, decision_id=decision.pk)
    record_event(
        actor=world.gov, action="catalog.published", obj=world.city, after={"organ_id": world.city.pk, "year": 2027}
    )
    assert OutgoingMail.objects.filter(key__startswith=f"follow:{ours.pk}:").count() == 4
    catalog = OutgoingMail.objects.get(key__startswith=f"follow:{organ.pk}:")
    assert "2027" in catalog.body and world.city.name in catalog.body


def test_a_rolled_back_act_queues_nothing(world):
    decision = published(world, state=State.IN_EXECUTION)
    follower("citizen@example.cn", decision=decision)
    with pytest.raises(RuntimeError), transaction.atomic():
        suspend(decision, world)
        assert len(notices()) == 1  # queued in the act's transaction …
        raise RuntimeError("the act fails after its event")
    assert notices() == {}  # … and gone with it
    decision.refresh_from_db()
    assert decision.status == State.IN_EXECUTION


def test_a_failure_telling_followers_never_fails_the_act(world, monkeypatch):
    decision = published(world, state=State.IN_EXECUTION)
    follower("citizen@example.cn", decision=decision)

    def broken(event):
        OutgoingMail.objects.create(key="half-done", to="x@example.cn", subject="x", body="x")
        raise RuntimeError("a bug in telling followers")

    monkeypatch.setattr("notifications.signals.notify_followers", broken)
    suspend(decision, world)
    decision.refresh_from_db()
    assert decision.status == State.SUSPENDED
    assert not OutgoingMail.objects.filter(key="half-done").exists()  # its savepoint rolled back


def _followers(decision, count: int) -> None:
    now = timezone.now()
    Follow.objects.bulk_create(
        Follow(email=f"f{n}@example.cn", decision=decision, token=f"token-{decision.pk}-{n}", confirmed_at=now)
        for n in range(count)
    )


def test_a_thousand_followers_are_told_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    quiet = published(world, title="无人关注的决定", state=State.IN_EXECUTION)
    with CaptureQueriesContext(connection) as alone:
        suspend(quiet, world)
    busy = published(world, title="广受关注的决定", state=State.IN_EXECUTION)
    _followers(busy, 1000)
    # the act's own queries, the decision read once, then a few per batch of 500 followers
    with django_assert_max_num_queries(len(alone) + 30):
        suspend(busy, world)
    assert OutgoingMail.objects.filter(key__startswith="follow:").count() == 1000
    assert OutgoingMail.objects.filter(key__startswith="follow:").values("to").distinct().count() == 1000


def test_the_outbox_relays_the_followers_mails(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    decision = published(world, title="关于实施垃圾分类的决定", state=State.IN_EXECUTION)
    ours = follower("citizen@example.cn", decision=decision)
    follower("pending@example.cn", decision=decision, confirmed=False)
    relay_outbox()  # the two confirmations
    mail.outbox.clear()
    suspend(decision, world)
    result = relay_outbox()
    assert result.sent == 1
    [message] = mail.outbox
    assert message.to == ["citizen@example.cn"]
    assert message.subject == "已暂停执行 · 关于实施垃圾分类的决定"  # in Chinese, whoever acted (LANGUAGE_CODE)
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}/follow/unsubscribe/{ours.token}/>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{SITE}/decisions/{decision.pk}/" in message.body
    rendered = message.message()
    assert rendered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert rendered.get_content_type() == "text/plain"


def test_following_again_after_unsubscribing_asks_to_confirm_again(world):
    decision = published(world)
    follow = follower("again@example.cn", decision=decision, unsubscribed=True)
    following.request_follow(email="Again@Example.cn ", decision=decision, client_address="198.51.100.7")
    follow.refresh_from_db()
    assert (follow.confirmed_at, follow.unsubscribed_at) == (None, None)
    assert OutgoingMail.objects.filter(key=f"follow-confirm:{follow.pk}:2").exists()
    assert following.confirm_follow(follow) == following.Outcome.CONFIRMED
    assert Follow.objects.filter(email="again@example.cn").count() == 1


def test_following_again_while_following_sends_no_second_confirmation(world):
    decision = published(world)
    follow = follower("twice@example.cn", decision=decision)
    following.request_follow(email="twice@example.cn", decision=decision, client_address="198.51.100.7")
    assert OutgoingMail.objects.filter(key__startswith=f"follow-confirm:{follow.pk}:").count() == 1


def test_a_confirmation_link_expires_and_an_unsubscribed_follow_is_not_revived_by_it(world):
    decision = published(world)
    follow = follower("late@example.cn", decision=decision, confirmed=False)
    Follow.objects.filter(pk=follow.pk).update(created_at=timezone.now() - timezone.timedelta(days=8))
    assert following.confirm_follow(follow) == following.Outcome.EXPIRED
    other = follower("ended@example.cn", decision=decision, confirmed=False, unsubscribed=True)
    assert following.confirm_follow(other) == following.Outcome.ENDED
    assert not Follow.objects.get(pk=other.pk).active
