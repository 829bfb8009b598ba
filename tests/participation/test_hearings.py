"""Hearings (Decree 713 Art. 16–17) through `participation.hearings`: announced with its selection method, applications
while they are taken, participants selected so that each interest is represented, materials sent the organ's minimum
days before, the record taken in order and confirmed by each participant who spoke, then filed among the step's
documents; cancellation; who may act; and what the step needs before it is submitted. Refusals change nothing."""

import io
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services as decision_services
from decisions.models import Document, ProcedureProfile, Step
from decisions.procedure import State, StepKind, StepStatus
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to, pdf_file
from participation import hearings
from participation.models import Hearing, HearingApplication, HearingStatement
from tests.factories import make_decision
from tests.refusals import refused
from workdays.calendar import working_day_on_or_before

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NAMES = ("王经营", "李乘客", "赵居民")
CONTACTS = ("13811112222", "rider@example.cn", "13933334444")


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def today() -> date:
    return timezone.localdate()


def hearing_step(world, decision=None) -> Step:
    decision = decision or make_decision(world, requires_hearing=True)
    drive_to(decision, State.DRAFTING, world.cast)
    return current_steps(decision)[StepKind.HEARING]


def announce(world, step, **overrides) -> Hearing:
    values = {
        "step": step,
        "actor": world.drafter,
        "matter": "公共交通票价调整听证会",
        "starts_at": at(today() + timedelta(days=20), 14),
        "place": "市政府第一会议室",
        "how_to_apply": "在门户网站填写报名表。",
        "applications_close_on": today() + timedelta(days=5),
        "selection_method": "按利益相关方分组，超过名额时随机抽取。",
        "seats": 3,
    } | overrides
    return hearings.announce_hearing(**values)


def apply(hearing, number=0, **overrides) -> HearingApplication:
    values = {
        "hearing": hearing,
        "name": NAMES[number],
        "contact": CONTACTS[number],
        "interest": ("经营者", "消费者", "居民")[number],
        "organization": "示例公交集团" if number == 0 else "",
        "statement": "建议设置过渡期。",
        "client_address": f"203.0.113.{number + 1}",
    } | overrides
    return hearings.apply_to_hearing(**values)


def after_close(hearing) -> datetime:
    return at(hearing.applications_close_on + timedelta(days=1))


def selected_hearing(world, applicants=2):
    """A hearing announced today for in 20 days, `applicants` applications (one per interest), all selected."""
    hearing = announce(world, hearing_step(world))
    applications = [apply(hearing, number) for number in range(applicants)]
    hearing = hearings.select_participants(
        hearing=hearing,
        actor=world.drafter,
        selected_ids=[a.pk for a in applications],
        result="选定经营者代表和消费者代表各一名。",
        now=after_close(hearing),
    )
    return hearing, applications


def recorded_hearing(world, applicants=2):
    """Selected, materials sent in time, the statements taken after the start (an official, then each participant)."""
    hearing, applications = selected_hearing(world, applicants)
    sent_on = hearing.applications_close_on + timedelta(days=1)
    hearings.record_materials_sent(hearing=hearing, actor=world.drafter, sent_on=sent_on, now=at(sent_on, 17))
    later = hearing.starts_at + timedelta(hours=1)
    hearings.record_statement(
        hearing=hearing,
        actor=world.drafter,
        participant=None,
        speaker="主持人（市司法局）",
        text="宣布开始。",
        now=later,
    )
    for application in applications:
        hearings.record_statement(
            hearing=hearing, actor=world.drafter, participant=application, speaker="", text="我的意见。", now=later
        )
    hearing.refresh_from_db()
    return hearing, applications


def hearing_snapshot() -> dict:
    return {
        "hearings": [model_to_dict(row) for row in Hearing.objects.order_by("pk")],
        "applications": list(HearingApplication.objects.order_by("pk").values()),
        "statements": list(HearingStatement.objects.order_by("pk").values()),
    }


@contextmanager
def refused_here(code, decision=None, *, says=(), status=None):
    """`tests.refusals.refused`, and nothing of any hearing, application or statement changed."""
    before = hearing_snapshot()
    with refused(code, decision, says=says) as caught:
        yield caught
    assert hearing_snapshot() == before, "a refused action changed a hearing"
    if status is not None:
        assert caught.value.status == status


# ---------------------------------------------------------------- announcing


def test_announcing_publishes_the_method_and_dates_the_step(world):
    step = hearing_step(world)
    hearing = announce(world, step)
    assert hearing.status == Hearing.Status.ANNOUNCED and hearing.announced_at is not None
    assert hearing.selection_method_published and not hearing.participants_published and not hearing.record_signed
    assert hearing.hearing_date == today() + timedelta(days=20)
    event = LedgerEvent.objects.filter(action="hearing.announced").get()
    assert event.decision_id == step.decision_id and event.after["seats"] == 3
    # The step is due when the materials are: 7 days before the hearing (the working day on or before).
    due = working_day_on_or_before(hearing.hearing_date - timedelta(days=7)).value
    assert Step.objects.get(pk=step.pk).due_on == due


def test_an_announced_hearing_is_changed_with_an_event(world):
    step = hearing_step(world)
    announce(world, step)
    hearing = announce(world, step, place="市民中心二楼", seats=5)
    assert (hearing.place, hearing.seats, hearing.status) == ("市民中心二楼", 5, Hearing.Status.ANNOUNCED)
    assert Hearing.objects.count() == 1
    assert LedgerEvent.objects.filter(action="hearing.changed").get().before["place"] == "市政府第一会议室"


def test_an_optional_hearing_step_opens_when_announced(world):
    decision = make_decision(world)
    step = hearing_step(world, decision)
    assert step.status == StepStatus.PENDING
    announce(world, step)
    assert Step.objects.get(pk=step.pk).status == StepStatus.OPEN


def test_the_hearing_is_announced_ahead_and_applications_close_before_the_materials_are_due(world):
    step = hearing_step(world)
    with refused_here("hearing.starts_past", step.decision):
        announce(world, step, starts_at=timezone.now() - timedelta(hours=1))
    starts = today() + timedelta(days=20)
    with refused_here(
        "hearing.applications_late", step.decision, says=("Art. 16", "7 days", str(starts - timedelta(7)))
    ):
        announce(world, step, applications_close_on=starts - timedelta(days=7))
    with refused_here("hearing.applications_past", step.decision):
        announce(world, step, applications_close_on=today() - timedelta(days=1))
    with refused_here("hearing.seats", step.decision):
        announce(world, step, seats=0)
    with refused_here("hearing.selection_method", step.decision):
        announce(world, step, selection_method="  ")


def test_a_longer_notice_of_the_organ_moves_the_closing_day(world):
    ProcedureProfile.objects.create(organ=world.city, min_hearing_notice_days=15)
    step = hearing_step(world)
    with refused_here("hearing.applications_late", step.decision, says="15 days"):
        announce(world, step, applications_close_on=today() + timedelta(days=6))


def test_only_the_hearing_step_and_only_its_drafter_announce(world):
    step = hearing_step(world)
    other = current_steps(step.decision)[StepKind.PARTY_REPORT]
    with refused_here("hearing.wrong_step", step.decision):
        announce(world, other)
    for actor in (world.head, world.supervisor, world.drafter_b, world.gov):
        with refused_here(refusal_code(step, actor), step.decision, status=403):
            announce(world, step, actor=actor)


def refusal_code(step, actor) -> str:
    return decision_services.step_action_refusals(step, actor)["edit"].code


# ---------------------------------------------------------------- applications


def test_anyone_applies_with_a_receipt_and_nothing_personal_in_the_ledger(world):
    hearing = announce(world, hearing_step(world))
    application = apply(hearing)
    assert application.receipt_number.startswith(f"TZ-{today().year}-") and len(application.receipt_number) == 16
    event = LedgerEvent.objects.filter(action="hearing.application_received").get()
    assert event.actor_id is None and event.after == {
        "receipt_number": application.receipt_number,
        "hearing": hearing.pk,
    }
    for event in LedgerEvent.objects.all():
        text = str(event.after) + str(event.before) + str(event.reason)
        assert NAMES[0] not in text and CONTACTS[0] not in text
    assert hearings.application_by_receipt(application.receipt_number.lower(), "138 1111 2222") == application
    assert hearings.application_by_receipt(application.receipt_number, "13800000000") is None
    assert hearings.application_by_receipt("TZ-2026-NOSUCH22", CONTACTS[0]) is None


def test_applications_are_refused_after_they_close(world):
    hearing = announce(world, hearing_step(world))
    with refused_here("hearing.not_taking_applications", says="closed on", status=409):
        apply(hearing, now=after_close(hearing))


def test_applications_are_checked(world):
    hearing = announce(world, hearing_step(world))
    with refused_here("hearing.contact", says="telephone number or an e-mail"):
        apply(hearing, contact="not a contact")
    with refused_here("hearing.interest"):
        apply(hearing, interest="")
    with refused_here("hearing.too_long", says="At most 50"):
        apply(hearing, name="名" * 51)


def test_applications_are_rate_limited(world, settings):
    settings.HEARING_RATE_PER_CONTACT = 1
    hearing = announce(world, hearing_step(world))
    apply(hearing)
    with refused_here("hearing.rate_limited", status=429) as caught:
        apply(hearing, client_address="198.51.100.9")
    assert caught.value.wait == 3600


# ---------------------------------------------------------------- selection


def test_selection_records_outcomes_and_publishes_the_result(world):
    hearing = announce(world, hearing_step(world))
    first, second = apply(hearing, 0), apply(hearing, 1)
    third = apply(hearing, 2, interest="经营者")  # a second operator
    hearing = hearings.select_participants(
        hearing=hearing,
        actor=world.head,
        selected_ids=[first.pk, second.pk],
        result="选定两名。",
        now=after_close(hearing),
    )
    assert hearing.status == Hearing.Status.SELECTED and hearing.participants_published
    assert hearing.selection_result == "选定两名。"
    outcomes = dict(HearingApplication.objects.values_list("pk", "outcome"))
    assert outcomes == {first.pk: "selected", second.pk: "selected", third.pk: "not_selected"}
    event = LedgerEvent.objects.filter(action="hearing.participants_selected").get()
    assert event.after["selected"] == [first.receipt_number, second.receipt_number]
    assert event.after["not_selected"] == [third.receipt_number]


def test_selection_waits_for_the_applications_to_close(world):
    hearing = announce(world, hearing_step(world))
    application = apply(hearing)
    with refused_here("hearing.applications_open", hearing.step.decision, says="until", status=409):
        hearings.select_participants(hearing=hearing, actor=world.drafter, selected_ids=[application.pk], result="x")


def test_selecting_nobody_is_refused(world):
    hearing = announce(world, hearing_step(world))
    apply(hearing)
    with refused_here("hearing.nobody_selected", hearing.step.decision, says="at least one"):
        hearings.select_participants(
            hearing=hearing, actor=world.drafter, selected_ids=[], result="无。", now=after_close(hearing)
        )


def test_an_interest_without_a_participant_needs_a_published_reason(world):
    hearing = announce(world, hearing_step(world))
    operator, rider = apply(hearing, 0), apply(hearing, 1)
    with refused_here("hearing.interest_unrepresented", hearing.step.decision, says=("Art. 16", "消费者")):
        hearings.select_participants(
            hearing=hearing,
            actor=world.drafter,
            selected_ids=[operator.pk],
            result="选定一名。",
            now=after_close(hearing),
        )
    hearing = hearings.select_participants(
        hearing=hearing,
        actor=world.drafter,
        selected_ids=[operator.pk],
        result="选定一名。",
        reason="消费者代表报名人未按要求提交材料。",
        now=after_close(hearing),
    )
    assert "消费者代表报名人未按要求提交材料。" in hearing.selection_result
    assert HearingApplication.objects.get(pk=rider.pk).outcome == "not_selected"
    assert LedgerEvent.objects.get(action="hearing.participants_selected").after["unrepresented_interests"] == [
        "消费者"
    ]


def test_more_participants_than_places_is_refused(world):
    hearing = announce(world, hearing_step(world), seats=1)
    a, b = apply(hearing, 0), apply(hearing, 1)
    with refused_here("hearing.too_many", hearing.step.decision, says="1 places"):
        hearings.select_participants(
            hearing=hearing, actor=world.drafter, selected_ids=[a.pk, b.pk], result="x", now=after_close(hearing)
        )


# ---------------------------------------------------------------- materials


def test_materials_sent_late_are_refused_with_the_dates(world):
    hearing, _applications = selected_hearing(world)
    latest = hearing.hearing_date - timedelta(days=7)
    late = latest + timedelta(days=1)
    with refused_here("hearing.materials_late", hearing.step.decision, says=("Art. 16", "7 days", latest.isoformat())):
        hearings.record_materials_sent(hearing=hearing, actor=world.drafter, sent_on=late, now=at(late, 18))
    hearing = hearings.record_materials_sent(hearing=hearing, actor=world.drafter, sent_on=latest, now=at(latest, 18))
    assert hearing.materials_sent_on == latest
    # In time: the step is next due on the hearing's day.
    assert Step.objects.get(pk=hearing.step_id).due_on == hearing.hearing_date


def test_materials_are_recorded_once_sent_and_after_the_selection(world):
    hearing, _applications = selected_hearing(world)
    with refused_here("hearing.sent_future", hearing.step.decision):
        hearings.record_materials_sent(hearing=hearing, actor=world.drafter, sent_on=today() + timedelta(days=8))
    with refused_here("hearing.sent_before_selection", hearing.step.decision):
        hearings.record_materials_sent(hearing=hearing, actor=world.drafter, sent_on=today())


# ---------------------------------------------------------------- the record and its confirmations


def test_statements_are_taken_in_order_after_the_start(world):
    hearing, applications = selected_hearing(world)
    sent_on = hearing.applications_close_on + timedelta(days=1)
    hearings.record_materials_sent(hearing=hearing, actor=world.drafter, sent_on=sent_on, now=at(sent_on, 17))
    with refused_here("hearing.not_started", hearing.step.decision, says="starts at"):
        hearings.record_statement(
            hearing=hearing, actor=world.drafter, participant=None, speaker="主持人", text="开始。"
        )
    later = hearing.starts_at + timedelta(hours=1)
    first = hearings.record_statement(
        hearing=hearing, actor=world.drafter, participant=None, speaker="主持人", text="开始。", now=later
    )
    second = hearings.record_statement(
        hearing=hearing, actor=world.head, participant=applications[1], speaker="", text="意见。", now=later
    )
    assert (first.order, second.order, second.speaker) == (1, 2, NAMES[1])
    event = LedgerEvent.objects.filter(action="hearing.statement_recorded").last()
    assert event.after == {"order": 2, "participant": applications[1].receipt_number}


def test_only_a_selected_participant_speaks_as_one(world):
    hearing = announce(world, hearing_step(world))
    chosen, other = apply(hearing, 0), apply(hearing, 1)
    hearings.select_participants(
        hearing=hearing,
        actor=world.drafter,
        selected_ids=[chosen.pk],
        result="x",
        reason="理由。",
        now=after_close(hearing),
    )
    sent_on = hearing.applications_close_on + timedelta(days=1)
    hearings.record_materials_sent(hearing=hearing, actor=world.drafter, sent_on=sent_on, now=at(sent_on, 17))
    with refused_here("hearing.not_a_participant", hearing.step.decision):
        hearings.record_statement(
            hearing=hearing, actor=world.drafter, participant=other, speaker="", text="x", now=hearing.starts_at
        )


def test_every_speaker_confirms_then_the_record_is_signed_and_filed(world):
    hearing, applications = recorded_hearing(world)
    next_day = hearing.starts_at + timedelta(days=1)
    hearings.confirm_record(application=applications[0], via="paper", actor=world.drafter, now=next_day)
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.SELECTED and not hearing.record_signed
    with refused_here("hearing.record_confirming", hearing.step.decision):
        hearings.record_statement(
            hearing=hearing, actor=world.drafter, participant=None, speaker="主持人", text="补充。", now=next_day
        )
    with refused_here("hearing.already_confirmed", hearing.step.decision):
        hearings.confirm_record(application=applications[0], via="paper", actor=world.drafter, now=next_day)
    hearings.confirm_record(application=applications[1], via="paper", actor=world.drafter, now=next_day)
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.HELD and hearing.record_signed and hearing.held_at == next_day
    document = hearings.record_document(hearing)
    assert document.kind == Document.Kind.RECORD and document.step_id == hearing.step_id
    assert document.original_name.endswith(".docx")
    from docx import Document as WordDocument

    with document.file.open("rb") as stored:
        text = "\n".join(p.text for p in WordDocument(io.BytesIO(stored.read())).paragraphs)
    assert "宣布开始。" in text and "我的意见。" in text and applications[0].receipt_number in text
    actions = list(LedgerEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["hearing.record_confirmed", "hearing.held", "document.uploaded"]


def test_a_confirmation_on_the_portal_then_the_drafter_files_the_record(world):
    hearing, applications = recorded_hearing(world, applicants=1)
    assert hearings.confirm_record_by_receipt(receipt_number=applications[0].receipt_number, contact="x@y.cn") is None
    confirmed = hearings.confirm_record_by_receipt(
        receipt_number=applications[0].receipt_number, contact=CONTACTS[0], now=hearing.starts_at + timedelta(hours=3)
    )
    assert confirmed.record_confirmed_via == "portal"
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.HELD and hearings.record_document(hearing) is None
    event = LedgerEvent.objects.get(action="hearing.record_confirmed")
    assert event.actor_id is None and event.after == {"receipt_number": applications[0].receipt_number, "via": "portal"}
    with refused_here("permission.role", hearing.step.decision, status=403):
        hearings.file_record(hearing=hearing, actor=world.supervisor)
    document = hearings.file_record(hearing=hearing, actor=world.drafter)
    assert document.kind == Document.Kind.RECORD
    with refused_here("hearing.record_filed", hearing.step.decision):
        hearings.file_record(hearing=hearing, actor=world.drafter)


def test_the_record_is_confirmed_once_taken_and_only_by_participants(world):
    hearing, applications = selected_hearing(world)
    with refused_here("hearing.no_record", hearing.step.decision):
        hearings.confirm_record(application=applications[0], via="paper", actor=world.drafter)
    with refused_here("hearing.via", hearing.step.decision):
        hearings.confirm_record(application=applications[0], via="portal", actor=world.drafter)


# ---------------------------------------------------------------- cancellation and permissions


def test_cancelling_needs_a_public_reason_and_stops_applications(world):
    hearing = announce(world, hearing_step(world))
    with refused_here("hearing.cancellation_reason", hearing.step.decision):
        hearings.cancel_hearing(hearing=hearing, actor=world.drafter, reason=" ")
    hearing = hearings.cancel_hearing(hearing=hearing, actor=world.head, reason="因故改期，另行公告。")
    assert hearing.status == Hearing.Status.CANCELLED
    with refused_here("hearing.not_taking_applications", says="因故改期", status=409):
        apply(hearing)
    with refused_here("hearing.not_changeable", hearing.step.decision, says="cancelled", status=409):
        announce(world, hearing.step)


def test_only_the_undertaking_unit_runs_the_hearing(world):
    hearing, applications = selected_hearing(world)
    sent_on = hearing.applications_close_on + timedelta(days=1)
    cases = [
        (world.supervisor, "permission.role"),
        (world.gov, "permission.role"),
        (world.drafter_b, "permission.scope"),
    ]
    for actor, code in cases:
        with refused_here(code, hearing.step.decision, status=403) as caught:
            hearings.record_materials_sent(hearing=hearing, actor=actor, sent_on=sent_on, now=at(sent_on, 17))
        assert caught.value.message
        with refused_here(code, hearing.step.decision, status=403):
            hearings.cancel_hearing(hearing=hearing, actor=actor, reason="x")
        with refused_here(code, hearing.step.decision, status=403):
            hearings.confirm_record(application=applications[0], via="paper", actor=actor)


# ---------------------------------------------------------------- what the step needs before it is submitted


def test_the_step_is_not_submitted_before_the_hearing_is_announced(world):
    step = hearing_step(world)
    decision_services.update_step_details(
        step=step,
        actor=world.drafter,
        details={"hearing_date": today() - timedelta(days=3), "materials_sent_on": today() - timedelta(days=20)},
    )
    decision_services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("h.pdf"),
        kind="record",
        title="笔录",
        step=step,
    )
    with refused("hearing.not_announced", step.decision, says="Art. 16"):
        decision_services.submit_step(step=step, actor=world.drafter)


def test_the_step_waits_for_the_confirmations(world):
    hearing, _applications = recorded_hearing(world)
    refusal = decision_services.step_action_refusals(Step.objects.get(pk=hearing.step_id), world.drafter)["submit"]
    # Before the confirmations the record is not among the step's documents yet.
    assert refusal.code == "step.no_document"
    # A hearing held in the past (the walkthrough's clock): confirmed and filed, the step is submitted.
    step = hearing_step(world)
    Walkthrough(world.cast).hold_hearing(step.decision, step)
    submitted = decision_services.submit_step(step=step, actor=world.drafter)
    assert submitted.status == StepStatus.SUBMITTED


def test_a_past_hearing_without_every_confirmation_is_not_submitted(world, monkeypatch):
    step = hearing_step(world)
    # As the walkthrough holds it, but only the first participant confirms.
    original, calls = hearings.confirm_record, []

    def only_first(**kwargs):
        calls.append(kwargs)
        return original(**kwargs) if len(calls) == 1 else None

    monkeypatch.setattr(hearings, "confirm_record", only_first)
    Walkthrough(world.cast).hold_hearing(step.decision, step)
    monkeypatch.undo()
    decision_services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("m.pdf"),
        kind="report",
        title="材料",
        step=step,
    )
    with refused("hearing.record_unconfirmed", step.decision, says=("Art. 17", "1 who spoke")):
        decision_services.submit_step(step=step, actor=world.drafter)


def test_the_form_no_longer_changes_the_dates_once_announced(world):
    hearing = announce(world, hearing_step(world))
    with refused("hearing.set_up_fixed", hearing.step.decision):
        decision_services.update_step_details(
            step=hearing.step,
            actor=world.drafter,
            details={"hearing_date": today() + timedelta(days=30), "materials_sent_on": ""},
        )
