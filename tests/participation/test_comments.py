"""Opinions on a draft: sent by anyone while the consultation is open, checked and rate-limited, numbered with a
receipt that cannot be guessed, read back with the contact; entered offline by the unit; never public in their
personal part, never in the ledger."""

import re

import pytest
from django.utils import timezone

from accountability.models import LedgerEvent
from participation import selectors, services
from participation.forms import CommentForm
from participation.models import Comment, Consultation

from .helpers import close_it, open_consultation, opinion, participation_step, refused_here, set_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

RECEIPT = re.compile(r"^YJ-\d{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$")


def test_an_opinion_is_received_with_a_receipt_and_an_event_without_personal_information(world):
    consultation = open_consultation(world)
    clause = consultation.clauses.get(label="第三条")
    comment = opinion(consultation, clause=clause, organization="示例养犬协会", contact="alice@example.com")
    assert RECEIPT.match(comment.receipt_number)
    assert comment.receipt_number.startswith(f"YJ-{timezone.localdate().year}-")
    assert comment.channel == Comment.Channel.ONLINE and comment.entered_by is None
    assert comment.clause == clause and comment.duplicate_key
    event = LedgerEvent.objects.get(action="comment.received")
    assert event.decision_id == consultation.step.decision_id
    assert event.after == {
        "receipt_number": comment.receipt_number,
        "consultation": consultation.pk,
        "clause": clause.pk,
        "channel": "online",
    }
    assert event.client_address == "203.0.113.7"
    stored = " ".join(
        str(value) for value in LedgerEvent.objects.values_list("object_repr", "after", "before", "reason")
    )
    for personal in ("王市民", "alice@example.com", "alice", "示例养犬协会"):
        assert personal not in stored


def test_receipt_numbers_differ(world):
    consultation = open_consultation(world)
    numbers = {opinion(consultation, client_address=f"10.0.0.{i}").receipt_number for i in range(5)}
    assert len(numbers) == 5


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "", "comment.name"),
        ("name", "名" * 51, "comment.too_long"),
        ("contact", "", "comment.contact"),
        ("contact", "not a contact", "comment.contact"),
        ("contact", "a" * 95 + "@x.com", "comment.too_long"),
        ("text", "太短", "comment.text_length"),
        ("text", "长" * 5001, "comment.text_length"),
        ("text", "含有\x00字符的意见", "input.null_character"),
        ("organization", "单" * 201, "comment.too_long"),
    ],
)
def test_bad_opinions_are_refused_and_nothing_is_stored(world, field, value, code):
    consultation = open_consultation(world)
    with refused_here(code, consultation.step.decision) as caught:
        opinion(consultation, **{field: value})
    assert field in caught.value.fields


def test_the_text_limits_are_inclusive(world):
    consultation = open_consultation(world)
    assert opinion(consultation, text="五个字意见").pk
    assert opinion(consultation, text="长" * 5000).pk


def test_a_clause_of_another_consultation_is_refused(world):
    consultation = open_consultation(world)
    other = open_consultation(world)
    with refused_here("comment.clause", consultation.step.decision, says="not part of the draft"):
        opinion(consultation, clause=other.clauses.first())


def test_only_while_open(world):
    step = participation_step(world)
    start = timezone.localdate() + timezone.timedelta(days=3)
    consultation = set_up(world, step, comment_start=start)
    with refused_here("comment.not_open", step.decision, says=("opens on", start.isoformat()), status=409):
        opinion(consultation)
    services.open_and_close_consultations(now=timezone.now() + timezone.timedelta(days=3))
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN


def test_not_after_it_closed_nor_once_withdrawn(world):
    consultation = close_it(open_consultation(world))
    with refused_here("comment.not_open", consultation.step.decision, says="closed on", status=409):
        opinion(consultation)
    other = open_consultation(world)
    services.withdraw_consultation(consultation=other, actor=world.drafter, reason="草案撤回修改")
    with refused_here("comment.not_open", other.step.decision, says=("withdrawn", "草案撤回修改"), status=409):
        opinion(other)


def test_not_after_the_last_day_even_before_the_clock_ran(world):
    consultation = open_consultation(world)
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    Consultation.objects.filter(pk=consultation.pk).update(comment_end=yesterday)
    with refused_here("comment.not_open", consultation.step.decision, status=409):
        opinion(consultation)


def test_rate_limited_per_contact_and_per_address(world, settings):
    settings.COMMENT_RATE_PER_CONTACT = 2
    settings.COMMENT_RATE_PER_ADDRESS = 3
    consultation = open_consultation(world)
    opinion(consultation, contact="138 1234 1234", client_address="10.0.0.1")
    opinion(consultation, contact="13812341234", client_address="10.0.0.2")
    with refused_here("comment.rate_limited", consultation.step.decision, says="Too many", status=429) as caught:
        opinion(consultation, contact="138-1234-1234", client_address="10.0.0.3")  # the same number, written apart
    assert caught.value.wait == 3600
    opinion(consultation, contact="a@example.com", client_address="10.0.0.9")
    opinion(consultation, contact="b@example.com", client_address="10.0.0.9")
    opinion(consultation, contact="c@example.com", client_address="10.0.0.9")
    with refused_here("comment.rate_limited", consultation.step.decision, status=429):
        opinion(consultation, contact="d@example.com", client_address="10.0.0.9")
    assert Comment.objects.count() == 5


def test_the_receipt_reads_the_opinion_back_with_the_right_contact_only(world):
    consultation = open_consultation(world)
    phone = opinion(consultation, contact="138-1234-1234")
    mail = opinion(consultation, contact="Alice@Example.com", client_address="10.1.1.1")
    assert services.comment_by_receipt(phone.receipt_number, "13812341234") == phone
    assert services.comment_by_receipt(phone.receipt_number.lower(), " 138 1234 1234 ") == phone
    assert services.comment_by_receipt(mail.receipt_number, "alice@example.com") == mail
    assert services.comment_by_receipt(phone.receipt_number, "13812341235") is None
    assert services.comment_by_receipt(phone.receipt_number, "") is None
    assert services.comment_by_receipt(mail.receipt_number, "13812341234") is None
    assert services.comment_by_receipt("YJ-2026-AAAAAAAA", "13812341234") is None
    assert services.comment_by_receipt("", "") is None


def test_identical_opinions_are_grouped_and_each_counted(world):
    consultation = open_consultation(world)
    for i, text in enumerate(
        ["坚决反对禁养大型犬！", "坚决反对禁养大型犬", " 坚决 反对，禁养大型犬。", "ABC abc 同意"]
    ):
        opinion(consultation, text=text, client_address=f"10.0.1.{i}", contact=f"1380000000{i}")
    opinion(consultation, text="abc ABC 同意!", client_address="10.0.1.9", contact="13800000009")
    groups = selectors.duplicate_groups(consultation)
    assert [group["count"] for group in groups] == [3, 2]
    assert selectors.public_facts(consultation)["comments_received"] == 5
    first = Comment.objects.order_by("id").first()
    assert groups[0]["duplicate_key"] == first.duplicate_key and groups[0]["first_id"] == first.pk


def test_clause_counts_in_one_query(world, django_assert_num_queries):
    consultation = open_consultation(world)
    first, third = consultation.clauses.get(label="第一条"), consultation.clauses.get(label="第三条")
    opinion(consultation, clause=third, contact="13800000001", client_address="10.0.2.1")
    opinion(consultation, clause=third, contact="13800000002", client_address="10.0.2.2")
    opinion(consultation, clause=first, contact="13800000003", client_address="10.0.2.3")
    opinion(consultation, contact="13800000004", client_address="10.0.2.4")  # on the whole draft
    with django_assert_num_queries(1):
        counts = selectors.clause_counts(consultation)
    assert [(row["label"], row["opinions"]) for row in counts] == [
        ("序言", 0),
        ("第一条", 1),
        ("第二条", 0),
        ("第三条", 2),
    ]
    assert selectors.whole_draft_count(consultation) == 1


def test_staff_lists_mask_contacts_and_the_public_facts_have_none(world):
    consultation = open_consultation(world)
    opinion(consultation, contact="13812341234", name="王市民", organization="某单位")
    opinion(consultation, contact="alice@example.com", name="李女士", client_address="10.3.3.3")
    rows = selectors.staff_comments(consultation)
    assert [row.masked_contact for row in rows] == ["138****1234", "a***@example.com"]
    facts = repr(selectors.public_facts(consultation))
    for personal in ("王市民", "李女士", "13812341234", "alice", "某单位", "1234"):
        assert personal not in facts
    assert selectors.channel_counts(consultation)["online"] == 2


# ---------------------------------------------------------------- offline opinions


def test_the_unit_enters_offline_opinions_while_open_or_after(world):
    consultation = open_consultation(world)
    symposium = services.enter_offline_opinion(
        consultation=consultation,
        actor=world.drafter,
        channel=Comment.Channel.SYMPOSIUM,
        name="座谈会代表",
        contact="",
        text="建议设置过渡期。",
    )
    assert symposium.entered_by == world.drafter and symposium.channel == "symposium"
    close_it(consultation)
    letter = services.enter_offline_opinion(
        consultation=consultation,
        actor=world.head,
        channel=Comment.Channel.LETTER,
        name="来信群众",
        contact="13912345678",
        text="建议明确流浪犬收容责任。",
        clause=consultation.clauses.get(label="第二条"),
    )
    assert letter.clause.label == "第二条"
    events = LedgerEvent.objects.filter(action="comment.received").order_by("id")
    assert [event.actor_id for event in events] == [world.drafter.pk, world.head.pk]
    assert "13912345678" not in repr(list(events.values("after", "object_repr")))
    counts = selectors.channel_counts(consultation)
    assert (counts["symposium"], counts["letter"], counts["online"]) == (1, 1, 0)


def test_offline_opinions_are_refused_for_the_wrong_channel_people_or_status(world):
    consultation = open_consultation(world)
    decision = consultation.step.decision
    values = {"consultation": consultation, "name": "代表", "contact": "", "text": "建议设置过渡期。"}
    with refused_here("comment.channel", decision):
        services.enter_offline_opinion(actor=world.drafter, channel="online", **values)
    with refused_here("permission.scope", decision, status=403):
        services.enter_offline_opinion(actor=world.drafter_b, channel="letter", **values)
    with refused_here("permission.role", decision, status=403):
        services.enter_offline_opinion(actor=world.gov, channel="letter", **values)
    services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason="撤回")
    with refused_here("comment.not_open", decision, says="Withdrawn", status=409):
        services.enter_offline_opinion(actor=world.drafter, channel="letter", **values)


def test_the_opinion_form_offers_the_clauses_of_its_consultation_only(world):
    consultation = open_consultation(world)
    other = open_consultation(world)
    form = CommentForm(consultation=consultation)
    assert list(form.fields["clause"].queryset) == list(consultation.clauses.order_by("order"))
    data = {"clause": other.clauses.first().pk, "text": "建议放宽。", "name": "甲", "contact": "13800000000"}
    assert not CommentForm(data, consultation=consultation).is_valid()
    data["clause"] = consultation.clauses.first().pk
    assert CommentForm(data, consultation=consultation).is_valid()
