"""Setting up a public consultation (Decree 713 Art. 14–15): the draft split into clauses, the period computed over
rest days from the organ's minimum, refusals that store nothing; the clock opens and closes it; withdrawal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services as decision_services
from decisions.models import ProcedureProfile, Step
from decisions.procedure import StepKind, StepStatus
from decisions.selectors import current_steps, record_values
from participation import services
from participation.models import Clause, Consultation
from tests.factories import make_decision
from workdays.calendar import WorkingDayCalendar, period_end
from workdays.models import Holiday

from .helpers import DRAFT, TITLE, open_consultation, participation_step, refused_here, set_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_set_up_today_splits_the_draft_computes_the_end_and_opens(world):
    step = participation_step(world)
    today = timezone.localdate()
    consultation = set_up(world, step)
    assert consultation.title == TITLE and consultation.draft_text == DRAFT.strip()
    assert consultation.comment_start == today
    assert consultation.comment_end == period_end(today, 30).value
    assert consultation.minimum_comment_days == 30
    assert consultation.status == Consultation.Status.OPEN and consultation.opened_at is not None
    clauses = list(consultation.clauses.values_list("order", "number", "label", "chapter"))
    assert clauses == [
        (1, 0, "序言", ""),
        (2, 1, "第一条", "第一章 总则"),
        (3, 2, "第二条", "第一章 总则"),
        (4, 3, "第三条", "第二章 登记"),
    ]
    events = list(LedgerEvent.objects.filter(action__startswith="consultation.").order_by("id"))
    assert [event.action for event in events] == ["consultation.set_up", "consultation.opened"]
    assert {event.decision_id for event in events} == {step.decision_id}
    assert events[0].after["comment_end"] == consultation.comment_end.isoformat()
    assert events[0].after["clauses"] == 4
    # The step is due when the period ends.
    assert Step.objects.get(pk=step.pk).due_on == consultation.comment_end


def test_set_up_ahead_is_scheduled(world):
    start = timezone.localdate() + timedelta(days=3)
    consultation = set_up(world, participation_step(world), comment_start=start)
    assert consultation.status == Consultation.Status.SCHEDULED and consultation.opened_at is None
    assert consultation.comment_end == period_end(start, 30).value
    assert not LedgerEvent.objects.filter(action="consultation.opened").exists()


def _start_whose_thirtieth_day_is_a_working_weekday():
    today = timezone.localdate()
    for offset in range(60):
        start = today + timedelta(days=offset)
        end, after = start + timedelta(days=30), start + timedelta(days=31)
        calendar = WorkingDayCalendar()
        if end.weekday() < 4 and calendar.is_working_day(end)[0] and calendar.is_working_day(after)[0]:
            return start
    raise AssertionError("no suitable start")


def test_the_period_runs_on_over_a_rest_day(world):
    start = _start_whose_thirtieth_day_is_a_working_weekday()
    thirtieth = start + timedelta(days=30)
    Holiday.objects.create(date=thirtieth, kind=Holiday.Kind.REST_DAY, name="测试假日")
    consultation = set_up(world, participation_step(world), comment_start=start)
    assert consultation.comment_end == thirtieth + timedelta(days=1)  # Civil Code Art. 203


def test_the_minimum_is_the_organs(world):
    ProcedureProfile.objects.create(organ=world.city, min_comment_days=45)
    start = timezone.localdate()
    consultation = set_up(world, participation_step(world), comment_start=start)
    assert consultation.comment_end == period_end(start, 45).value
    assert consultation.minimum_comment_days == 45


def test_a_longer_period_is_accepted(world):
    start = timezone.localdate()
    consultation = set_up(world, participation_step(world), comment_days=40)
    assert consultation.comment_end == period_end(start, 40).value


def test_a_shorter_period_without_a_reason_is_refused_naming_the_end_it_needs(world):
    step = participation_step(world)
    start = timezone.localdate()
    needed = period_end(start, 30).value.isoformat()
    with refused_here("rule3.period_too_short", step.decision, says=("Rule 3", "30 days", needed)) as caught:
        set_up(world, step, comment_days=10)
    assert set(caught.value.fields) == {"comment_days", "urgency_reason"}
    # The record the step opened with (its minimum kept) is untouched: still being prepared, no clauses.
    assert list(Consultation.objects.values_list("status", flat=True)) == [Consultation.Status.DRAFT]
    assert not Clause.objects.exists()


def test_a_shorter_period_with_a_public_reason_is_accepted(world):
    start = timezone.localdate()
    consultation = set_up(world, participation_step(world), comment_days=10, urgency_reason="防汛紧急需要")
    assert consultation.comment_end == period_end(start, 10).value
    assert consultation.urgency_reason == "防汛紧急需要"
    event = LedgerEvent.objects.get(action="consultation.set_up")
    assert event.reason == "防汛紧急需要"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "  ", "consultation.title"),
        ("draft_text", "", "consultation.draft_text"),
        ("explanation", "", "consultation.explanation"),
        ("channels", "", "consultation.channels"),
        ("title", "题" * 301, "consultation.too_long"),
        ("comment_days", 0, "consultation.days"),
        ("comment_days", "30", "consultation.days"),
        ("comment_start", "2026-01-01", "consultation.start"),
    ],
)
def test_bad_input_is_refused_on_its_field(world, field, value, code):
    step = participation_step(world)
    with refused_here(code, step.decision) as caught:
        set_up(world, step, **{field: value})
    assert field in caught.value.fields


def test_a_start_in_the_past_is_refused(world):
    step = participation_step(world)
    yesterday = timezone.localdate() - timedelta(days=1)
    with refused_here("consultation.start_past", step.decision, says=yesterday.isoformat()):
        set_up(world, step, comment_start=yesterday)


def test_a_draft_that_cannot_be_split_is_refused_on_the_draft_text(world):
    step = participation_step(world)
    with refused_here("consultation.draft_text", step.decision, says="第三条") as caught:
        set_up(world, step, draft_text="第一条 甲。\n第三条 乙。")
    assert caught.value.fields == ("draft_text",)


@pytest.mark.parametrize("who", ["head", "drafter_b", "gov", "outsider"])
def test_only_the_undertaking_units_drafter_sets_it_up(world, who):
    step = participation_step(world)
    before = LedgerEvent.objects.count()
    with pytest.raises(services.ParticipationError) as error:
        set_up(world, step, actor=getattr(world, who))
    assert error.value.code.startswith("permission.") and error.value.status == 403
    assert LedgerEvent.objects.count() == before and not Clause.objects.exists()


def test_not_while_the_decision_is_not_in_drafting(world):
    decision = make_decision(world)
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    with refused_here("step.wrong_state", decision, says="cannot be worked on"):
        set_up(world, step)


def test_it_may_be_set_up_again_until_it_opens_then_not(world):
    step = participation_step(world)
    start = timezone.localdate() + timedelta(days=2)
    first = set_up(world, step, comment_start=start)
    second = set_up(world, step, comment_start=start, draft_text="第一条 只有一条。")
    assert second.pk == first.pk
    assert list(Clause.objects.values_list("label", flat=True)) == ["第一条"]
    services.open_and_close_consultations(now=timezone.now() + timedelta(days=2))
    with refused_here("consultation.not_changeable", step.decision, says="withdraw it instead", status=409):
        set_up(world, step, comment_start=start + timedelta(days=1))


def test_the_steps_form_cannot_move_the_period_once_set_up(world):
    """Once set up, the period, the count and the feedback come from the workspace: the step's form has no field
    left, and what is sent to it changes nothing."""
    step = participation_step(world)
    consultation = set_up(world, step)
    assert not decision_services.step_record_form(step).fields
    details = record_values(step) | {
        "comment_end": consultation.comment_end + timedelta(days=5),
        "comments_received": 0,
        "feedback_summary": "整理中",
    }
    decision_services.update_step_details(step=step, actor=world.drafter, details=details)
    stored = Consultation.objects.get(pk=consultation.pk)
    assert stored.comment_end == consultation.comment_end and stored.feedback_summary == ""
    assert stored.status == Consultation.Status.OPEN


# ---------------------------------------------------------------- the clock


def test_the_clock_opens_and_closes_once_each(world, django_assert_max_num_queries):
    step = participation_step(world)
    start = timezone.localdate() + timedelta(days=1)
    consultation = set_up(world, step, comment_start=start)
    assert services.open_and_close_consultations() == {"opened": [], "closed": []}
    tomorrow = timezone.now() + timedelta(days=1)
    assert services.open_and_close_consultations(now=tomorrow) == {"opened": [consultation.pk], "closed": []}
    assert services.open_and_close_consultations(now=tomorrow) == {"opened": [], "closed": []}  # idempotent
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN
    # The end day is the last day opinions are taken: still open on it, closed the day after.
    on_end_day = timezone.now() + timedelta(days=(consultation.comment_end - timezone.localdate()).days)
    assert services.open_and_close_consultations(now=on_end_day) == {"opened": [], "closed": []}
    after = on_end_day + timedelta(days=1)
    assert services.open_and_close_consultations(now=after) == {"opened": [], "closed": [consultation.pk]}
    with django_assert_max_num_queries(1):
        assert services.open_and_close_consultations(now=after) == {"opened": [], "closed": []}
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED and consultation.closed_at is not None
    events = LedgerEvent.objects.filter(action__in=["consultation.opened", "consultation.closed"]).order_by("id")
    assert [(event.action, event.decision_id) for event in events] == [
        ("consultation.opened", step.decision_id),
        ("consultation.closed", step.decision_id),
    ]


# ---------------------------------------------------------------- withdrawal


def test_withdrawal_needs_a_public_reason(world):
    consultation = open_consultation(world)
    decision = consultation.step.decision
    with refused_here("consultation.withdrawal_reason", decision, says="public reason"):
        services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason=" ")
    services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason="草案需作重大修改")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.WITHDRAWN
    assert consultation.withdrawal_reason == "草案需作重大修改" and consultation.withdrawn_at is not None
    event = LedgerEvent.objects.get(action="consultation.withdrawn")
    assert event.reason == "草案需作重大修改" and event.decision_id == decision.pk
    with refused_here("consultation.not_withdrawable", decision, status=409):
        services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason="again")
    with refused_here("consultation.not_changeable", decision, says="withdrawn"):
        set_up(world, consultation.step)


def test_only_the_unit_withdraws(world):
    consultation = open_consultation(world)
    with refused_here("permission.scope", consultation.step.decision, status=403):
        services.withdraw_consultation(consultation=consultation, actor=world.drafter_b, reason="不是我的")


def test_setting_it_up_takes_up_an_optional_step(world):
    decision = make_decision(world, affects_public_interest=False)
    step = participation_step(world, decision)
    assert step.status == StepStatus.PENDING
    consultation = set_up(world, step)
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN and step.due_on == consultation.comment_end
    assert consultation.status == Consultation.Status.OPEN and consultation.minimum_comment_days == 30


def test_the_one_minute_ticker_closes_a_consultation_whose_period_ended(world):
    """The ticker (the Celery beat's task) runs the clock: nobody has to remember to close a consultation."""
    from notifications.ticker import run_tick

    consultation = open_consultation(world)
    today = timezone.localdate()
    Consultation.objects.filter(pk=consultation.pk).update(
        comment_start=today - timedelta(days=40), comment_end=today - timedelta(days=2)
    )
    report = run_tick()
    consultation.refresh_from_db()
    assert report["consultations"] == 1 and consultation.status == Consultation.Status.CLOSED
    assert run_tick()["consultations"] == 0  # once
