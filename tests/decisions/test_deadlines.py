"""Every open step has a due date: each kind's rule (exact dates on the Chinese calendar, provisional in a year not yet
known), stored when a step opens, a round starts or a record changes its basis, and moved — never silently — when the
holiday calendar or the organ's profile changes."""

from datetime import date, datetime, time

import chinese_calendar
import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services
from decisions.deadlines import due_date_for
from decisions.models import Execution, ExecutionReport, ProcedureProfile, Step
from decisions.procedure import State, StepKind, StepStatus
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to
from participation.models import Consultation, Hearing
from review.models import DepartmentConsultation, LegalityReview
from tests.factories import log_in_in_english as login
from tests.factories import make_decision, withdraw
from tests.refusals import refused
from workdays import services as holidays
from workdays.calendar import ComputedDate, add_working_days, months_period_end, period_end
from workdays.models import Holiday

pytestmark = pytest.mark.usefixtures("english")

REST = Holiday.Kind.REST_DAY


def year_is_unknown(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return True
    return False


needs_2027_unknown = pytest.mark.skipif(
    not year_is_unknown(2027), reason="chinese-calendar now knows 2027: the provisional examples need a new year"
)


def at(day: date):
    """Nine in the morning of `day`, local time (when a step opened)."""
    return timezone.make_aware(datetime.combine(day, time(9)))


@pytest.fixture
def drafting(world, decision):
    return drive_to(decision, State.DRAFTING, world.cast)


def step_of(decision, kind, **attributes) -> Step:
    """The decision's current step of `kind`, with `attributes` set in memory (not saved)."""
    step = current_steps(decision)[kind]
    for name, value in attributes.items():
        setattr(step, name, value)
    return step


def back_date(step: Step, day: date) -> Step:
    """The step opened on `day` (stored), and its due date set again by its rule."""
    step.opened_at = at(day)
    step.save(update_fields=["opened_at"])
    services.set_due_date(step, None, "opened earlier (test)")
    step.refresh_from_db()
    return step


def due_moves(step: Step) -> list[LedgerEvent]:
    return list(LedgerEvent.objects.filter(action="step.due_moved", object_id=str(step.pk)).order_by("id"))


# ---------------------------------------------------------------- each kind's rule


def test_a_step_without_a_period_in_law_is_due_the_organs_target_across_national_day(world, drafting):
    # Opened Thursday 24 September 2026: Mid-Autumn (25–27 Sep) and National Day (1–7 Oct) are rest days, the
    # Saturday 10 October a make-up working day.
    step = step_of(drafting, StepKind.PARTY_REPORT, opened_at=at(date(2026, 9, 24)))
    assert due_date_for(step, ProcedureProfile(organ=world.city)) == ComputedDate(date(2026, 10, 29))
    tighter = ProcedureProfile(organ=world.city, step_target_working_days={"party_report": 5})
    assert due_date_for(step, tighter) == ComputedDate(date(2026, 10, 9))  # 28, 29, 30 Sep, 8, 9 Oct


def test_the_legality_review_is_due_its_periods_working_days_after_the_request(world, drafting):
    step = step_of(drafting, StepKind.LEGALITY_REVIEW, status=StepStatus.SUBMITTED, opened_at=at(date(2026, 9, 28)))
    profile = ProcedureProfile(organ=world.city)
    # 29, 30 Sep, 8, 9, 10 (make-up Saturday), 12, 13 Oct.
    assert due_date_for(step, profile, None) == ComputedDate(date(2026, 10, 13))
    record = LegalityReview(step=step, review_working_days=3)  # shortened, with an urgency reason
    assert due_date_for(step, profile, record) == ComputedDate(date(2026, 10, 8))
    step.opened_at = step.submitted_at = None
    assert due_date_for(step, profile, None) is None  # not requested yet


def test_a_consultation_is_due_when_its_comment_period_ends(world, drafting):
    step = step_of(drafting, StepKind.PUBLIC_PARTICIPATION, opened_at=at(date(2026, 9, 24)))
    profile = ProcedureProfile(organ=world.city)
    end = period_end(date(2026, 9, 8), 30).value  # 8 October, the first working day after National Day
    assert end == date(2026, 10, 8)
    assert due_date_for(step, profile, Consultation(step=step, comment_end=end)) == ComputedDate(end)
    # Until the record gives its end, the organ's target.
    assert due_date_for(step, profile, Consultation(step=step)) == ComputedDate(date(2026, 10, 29))


def test_the_hearing_is_due_when_its_materials_are_due_then_on_its_day(world):
    decision = drive_to(make_decision(world, requires_hearing=True), State.DRAFTING, world.cast)
    step = step_of(decision, StepKind.HEARING, opened_at=at(date(2026, 9, 1)))
    profile = ProcedureProfile(organ=world.city)  # 7 days' notice
    hearing = Hearing(step=step, hearing_date=date(2026, 10, 12))
    # 12 Oct − 7 days = 5 Oct, a holiday: the materials must be out on the working day before, 30 September.
    assert due_date_for(step, profile, hearing) == ComputedDate(date(2026, 9, 30))
    hearing.materials_sent_on = date(2026, 10, 8)  # late: still due (and overdue) on the materials' date
    assert due_date_for(step, profile, hearing) == ComputedDate(date(2026, 9, 30))
    hearing.materials_sent_on = date(2026, 9, 29)  # in time: next comes the hearing itself
    assert due_date_for(step, profile, hearing) == ComputedDate(date(2026, 10, 12))
    longer = ProcedureProfile(organ=world.city, min_hearing_notice_days=10)  # 2 Oct, a holiday → 30 Sep
    assert due_date_for(step, longer, Hearing(step=step, hearing_date=date(2026, 10, 12))).value == date(2026, 9, 30)


def test_a_department_consultation_is_due_when_the_answers_were_asked_for(world):
    decision = drive_to(make_decision(world, touches_other_departments=True), State.DRAFTING, world.cast)
    step = step_of(decision, StepKind.DEPARTMENT_CONSULTATION, opened_at=at(date(2026, 9, 24)))
    profile = ProcedureProfile(organ=world.city)
    record = DepartmentConsultation(step=step, units_consulted="市财政局", reply_due_on=date(2026, 10, 9))
    assert due_date_for(step, profile, record) == ComputedDate(date(2026, 10, 9))
    record.reply_due_on = None
    assert due_date_for(step, profile, record) == ComputedDate(date(2026, 10, 29))  # the target


def test_the_publication_and_the_meeting_are_due_the_organs_target(world, drafting):
    profile = ProcedureProfile(organ=world.city)
    publication = step_of(drafting, StepKind.PUBLICATION, opened_at=at(date(2026, 9, 30)))
    assert due_date_for(publication, profile) == ComputedDate(date(2026, 11, 3))
    meeting = step_of(drafting, StepKind.COLLECTIVE_DISCUSSION, opened_at=at(date(2026, 9, 30)))
    assert due_date_for(meeting, profile) == ComputedDate(date(2026, 11, 3))
    assert due_date_for(step_of(drafting, StepKind.COLLECTIVE_DISCUSSION), profile) is None  # not open yet


@needs_2027_unknown
def test_the_execution_is_due_at_its_next_progress_report(world, drafting):
    profile = ProcedureProfile(organ=world.city)
    step = step_of(drafting, StepKind.EXECUTION, status=StepStatus.OPEN, opened_at=at(date(2026, 7, 6)))
    # Quarterly (the default): 6 October, a holiday, runs on to 8 October (Civil Code Art. 203).
    assert due_date_for(step, profile, None) == ComputedDate(date(2026, 10, 8))
    step.opened_at = at(date(2026, 9, 1))
    monthly = type("Record", (), {"report_cadence": "monthly"})()
    assert due_date_for(step, profile, monthly) == ComputedDate(date(2026, 10, 8))  # 1 October, a holiday
    half_yearly = type("Record", (), {"report_cadence": "half_yearly"})()
    assert due_date_for(step, profile, half_yearly) == ComputedDate(date(2027, 3, 1), provisional=True)
    # A report made on 20 October 2026: the next is due a quarter later, in 2027, a year nobody entered yet.
    report = ExecutionReport.objects.create(step=step, progress="进展顺利。", reported_by=world.drafter)
    report.reported_at = at(date(2026, 10, 20))
    report.save(update_fields=["reported_at"])
    assert due_date_for(step, profile, None) == ComputedDate(date(2027, 1, 20), provisional=True)


def test_the_evaluation_is_due_after_a_year_of_execution_or_six_months_after_a_short_term(world, drafting):
    profile = ProcedureProfile(organ=world.city)
    step = step_of(drafting, StepKind.POST_EVALUATION)
    assert due_date_for(step, profile) is None  # not in force yet
    drafting.execution_started_at = at(date(2025, 10, 1))
    # One year of execution: 1 October 2026, National Day, runs on to 8 October.
    assert due_date_for(step, profile) == ComputedDate(date(2026, 10, 8))
    # A decision whose term ends within that year: within six months after the term.
    drafting.term_end = date(2026, 3, 31)
    assert due_date_for(step, profile) == ComputedDate(date(2026, 9, 30))
    # Started: the organ's target (60 working days) from its start, never after the term's deadline.
    step.status, step.opened_at = StepStatus.OPEN, at(date(2026, 9, 1))
    assert due_date_for(step, profile) == ComputedDate(date(2026, 9, 30))
    drafting.term_end = None
    assert due_date_for(step, profile) == add_working_days(date(2026, 9, 1), 60)


@needs_2027_unknown
def test_a_due_date_in_a_year_not_yet_known_is_provisional(world, drafting):
    # From Sunday 20 December 2026, 20 working days: 21–25, 28–31 Dec; 1 January 2027 a fixed holiday; 4–8, 11–15,
    # 18 Jan — a year neither the legal office nor chinese-calendar knows.
    step = step_of(drafting, StepKind.PARTY_REPORT, opened_at=at(date(2026, 12, 20)))
    assert due_date_for(step, ProcedureProfile(organ=world.city)) == ComputedDate(date(2027, 1, 18), provisional=True)


# ---------------------------------------------------------------- stored when a step opens, a round starts


def test_every_step_opened_for_drafting_has_its_due_date(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    expected = add_working_days(timezone.localdate(), 20)
    opened = [step for step in current_steps(decision).values() if step.status == StepStatus.OPEN]
    assert {step.kind for step in opened} == {StepKind.PUBLIC_PARTICIPATION, StepKind.PARTY_REPORT}
    for step in opened:
        assert (step.due_on, step.due_is_provisional) == (expected.value, expected.provisional), step.kind
    # A first due date is part of the act that opened the step: nothing "moved".
    assert not LedgerEvent.objects.filter(action="step.due_moved").exists()


def test_a_new_round_gets_its_own_due_date_and_the_returned_round_waits_for_nothing(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    review = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    requested = add_working_days(timezone.localdate(), 7)
    assert (review.due_on, review.due_is_provisional) == (requested.value, requested.provisional)
    Walkthrough(world.cast).give_opinion(decision, "returned", "请补充材料。")
    review.refresh_from_db()
    assert (review.status, review.due_on) == (StepStatus.RETURNED, None)
    # The transition writes exactly one event; the due date it moved is recorded in it.
    assert not due_moves(review)
    event = LedgerEvent.objects.filter(decision_id=decision.pk).latest("id")
    assert event.action == "decision.give_legality_opinion"
    [moved] = event.after["due_moved"]
    assert (moved["step"], moved["round"], moved["reason"]) == (review.pk, 1, "superseded by round 2")
    assert moved["before"]["due_on"] == requested.value.isoformat() and moved["after"]["due_on"] is None
    second = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    assert (second.round, second.status, second.due_on) == (2, StepStatus.PENDING, None)  # due once requested


def test_a_redone_step_is_due_the_target_from_its_new_round(world, drafting):
    step = Walkthrough(world.cast).work_on_step(drafting, StepKind.PARTY_REPORT)
    successor = services.reopen_step(step=step, actor=world.drafter, reason="市委意见有变化，重新报告。")
    expected = add_working_days(timezone.localdate(), 20)
    assert (successor.round, successor.due_on, successor.due_is_provisional) == (
        2,
        expected.value,
        expected.provisional,
    )


def test_a_consultation_record_moves_its_due_date_with_the_reason(world, drafting):
    step = current_steps(drafting)[StepKind.PUBLIC_PARTICIPATION]
    target = step.due_on
    today = timezone.localdate()
    end = period_end(today, 30)
    details = {
        "comment_start": today,
        "comment_end": end.value,
        "channels": "市政府门户网站",
        "comments_received": 0,
        "feedback_summary": "待反馈",
    }
    services.update_step_details(step=step, actor=world.drafter, details=details)
    step.refresh_from_db()
    assert (step.due_on, step.due_is_provisional) == (end.value, end.provisional)
    [moved] = due_moves(step)
    assert (moved.before["due_on"], moved.after["due_on"]) == (target.isoformat(), end.value.isoformat())
    assert moved.reason.startswith("the record of “Public participation” changed: ")
    assert "Comment period ends" in moved.reason
    # Saved again with the same end: the same date, nothing moves.
    services.update_step_details(step=step, actor=world.drafter, details=details | {"channels": "《示例日报》"})
    assert len(due_moves(step)) == 1


def test_the_execution_is_due_at_the_next_report_after_each_report(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    step = current_steps(decision)[StepKind.EXECUTION]
    today = timezone.localdate()
    quarter = months_period_end(today, 3)
    assert (step.due_on, step.due_is_provisional) == (quarter.value, quarter.provisional)
    # The evaluation's timing is set when execution starts: after a year of execution.
    evaluation = current_steps(decision)[StepKind.POST_EVALUATION]
    assert (evaluation.status, evaluation.due_on) == (StepStatus.PENDING, months_period_end(today, 12).value)
    services.report_execution(decision=decision, actor=world.drafter, progress="第一季度进展。")
    step.refresh_from_db()
    assert step.due_on == quarter.value  # reported today: a quarter from today again — nothing moved
    assert not due_moves(step)


def test_starting_the_evaluation_moves_its_due_date_from_its_timing_to_its_target_in_the_one_event(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    evaluation = current_steps(decision)[StepKind.POST_EVALUATION]
    timing = evaluation.due_on
    Walkthrough(world.cast).start_evaluation(decision)  # staged: before a year of execution
    evaluation.refresh_from_db()
    target = add_working_days(timezone.localdate(), 60)
    assert (evaluation.status, evaluation.due_on) == (StepStatus.OPEN, target.value)
    event = LedgerEvent.objects.filter(decision_id=decision.pk).latest("id")
    assert event.action == "decision.start_evaluation"
    [moved] = event.after["due_moved"]
    assert (moved["before"]["due_on"], moved["after"]["due_on"]) == (timing.isoformat(), target.value.isoformat())
    assert moved["reason"] == "“Post-decision evaluation” opened"


def test_an_adjustment_after_an_emergency_suspension_is_due_within_the_organs_target(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.suspend_decision(decision=decision, actor=world.gov, reason="发生重大安全事故，紧急暂停执行。")
    decision.refresh_from_db()  # the suspension opened the adjustment (Art. 37)
    expected = add_working_days(timezone.localdate(), 20)  # counted from the suspension (today)
    assert decision.adjustment.due_on == expected.value
    meeting = current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION]
    assert (meeting.adjustment_round, meeting.status, meeting.due_on) == (1, StepStatus.PENDING, expected.value)


def test_a_suspension_gives_a_running_adjustment_its_deadline(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.start_adjustment(decision=decision, actor=world.gov, purpose="change", reason="调整票价。")
    decision.refresh_from_db()
    assert decision.adjustment.due_on is None  # started without an emergency: the meeting's own target later
    services.suspend_decision(decision=decision, actor=world.gov, reason="紧急暂停。")
    decision.refresh_from_db()
    assert decision.adjustment.due_on == add_working_days(timezone.localdate(), 20).value
    assert current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION].due_on == decision.adjustment.due_on


# ---------------------------------------------------------------- the holiday calendar changes


def test_a_holiday_entered_moves_the_due_dates_it_affects_with_the_reason(world, drafting):
    step = back_date(current_steps(drafting)[StepKind.PARTY_REPORT], date(2026, 11, 2))
    other = back_date(current_steps(drafting)[StepKind.PUBLIC_PARTICIPATION], date(2026, 11, 2))
    assert step.due_on == date(2026, 11, 30)  # 20 working days of November 2026
    before = LedgerEvent.objects.count()
    holiday = holidays.save_holiday(actor=world.legal_reviewer, date=date(2026, 11, 20), kind=REST, name="地方假日")
    step.refresh_from_db()
    assert (step.due_on, step.due_is_provisional) == (date(2026, 12, 1), False)
    moved = due_moves(step)[-1]
    assert moved.before == {"due_on": "2026-11-30", "due_is_provisional": False}
    assert moved.after == {"due_on": "2026-12-01", "due_is_provisional": False}
    assert moved.reason == "holiday calendar changed: 2026-11-20 entered"
    assert moved.actor_id == world.legal_reviewer.pk and moved.decision_id == drafting.pk
    # The holiday's own event, then one move per step whose date changed.
    assert LedgerEvent.objects.count() == before + 3
    assert due_moves(other)[-1].reason == "holiday calendar changed: 2026-11-20 entered"

    holidays.delete_holiday(actor=world.legal_reviewer, holiday=holiday)
    step.refresh_from_db()
    assert step.due_on == date(2026, 11, 30)
    assert due_moves(step)[-1].reason == "holiday calendar changed: 2026-11-20 removed"


def test_a_holiday_that_changes_no_due_date_moves_nothing(world, drafting):
    step = back_date(current_steps(drafting)[StepKind.PARTY_REPORT], date(2026, 11, 2))
    events = LedgerEvent.objects.count()
    # A Sunday entered as a rest day (it already was one): the same dates, nothing moves.
    holidays.save_holiday(actor=world.legal_reviewer, date=date(2026, 11, 22), kind=REST, name="")
    step.refresh_from_db()
    assert step.due_on == date(2026, 11, 30)
    assert LedgerEvent.objects.count() == events + 1  # the holiday's own event only
    assert not LedgerEvent.objects.filter(action="step.due_moved", reason__startswith="holiday").exists()


@needs_2027_unknown
def test_entering_the_new_years_holidays_ends_provisional_and_moves_dates_only_when_they_change(world, drafting):
    step = back_date(current_steps(drafting)[StepKind.PARTY_REPORT], date(2026, 12, 20))
    assert (step.due_on, step.due_is_provisional) == (date(2027, 1, 18), True)
    moves = len(due_moves(step))
    # New Year's Day entered as the rest day the provisional calendar assumed: the year is now known, the date
    # the same — the flag goes, nothing moved, no event.
    holidays.save_holiday(actor=world.legal_reviewer, date=date(2027, 1, 1), kind=REST, name="元旦")
    step.refresh_from_db()
    assert (step.due_on, step.due_is_provisional) == (date(2027, 1, 18), False)
    assert len(due_moves(step)) == moves
    # A further rest day before the due date moves it, with the event.
    holidays.save_holiday(actor=world.legal_reviewer, date=date(2027, 1, 12), kind=REST, name="地方假日")
    step.refresh_from_db()
    assert step.due_on == date(2027, 1, 19)
    moved = due_moves(step)[-1]
    assert (moved.before["due_on"], moved.after["due_on"]) == ("2027-01-18", "2027-01-19")
    assert moved.reason == "holiday calendar changed: 2027-01-12 entered"


def test_a_holiday_leaves_done_steps_and_ended_decisions_alone(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    review = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    done = current_steps(decision)[StepKind.PARTY_REPORT]
    assert done.status == StepStatus.DONE and done.due_on is not None
    withdrawn = drive_to(make_decision(world, title="撤回事项"), State.DRAFTING, world.cast)
    withdraw(world, withdrawn, "调出目录。")
    closed = current_steps(withdrawn)[StepKind.PARTY_REPORT]
    assert closed.status == StepStatus.CLOSED and closed.due_on is not None
    # A rest day on the first working day ahead: every date from tomorrow on would move by a day.
    holidays.save_holiday(
        actor=world.legal_reviewer, date=add_working_days(timezone.localdate(), 1).value, kind=REST, name=""
    )
    review.refresh_from_db()
    assert len(due_moves(review)) == 1  # still waited on: the review's period moved
    assert not due_moves(done) and not due_moves(closed)  # done, or closed with its decision: history


# ---------------------------------------------------------------- the profile's targets


def test_the_organ_changes_a_target_and_the_open_steps_follow_with_the_reason(world, drafting):
    step = current_steps(drafting)[StepKind.PARTY_REPORT]
    profile = services.update_procedure_profile(
        organ=world.city, actor=world.legal_reviewer, step_target_working_days={"party_report": 10}
    )
    assert profile.step_target_working_days["party_report"] == 10
    assert profile.step_target_working_days["hearing"] == 20  # the kinds not given keep their defaults
    step.refresh_from_db()
    assert step.due_on == add_working_days(timezone.localdate(), 10).value
    moved = due_moves(step)[-1]
    assert moved.reason.startswith("procedure profile changed: ")
    participation = current_steps(drafting)[StepKind.PUBLIC_PARTICIPATION]
    assert not due_moves(participation)  # its target did not change


def test_the_profiles_reminder_and_escalation_defaults(world):
    profile = ProcedureProfile.objects.create(organ=world.city)
    assert profile.reminder_days_before_due == [3, 1, 0]
    assert profile.escalate_after_working_days == 3
    updated = services.update_procedure_profile(
        organ=world.city,
        actor=world.legal_reviewer,
        reminder_days_before_due=[0, 5, 1, 5],
        escalate_after_working_days=2,
    )
    assert (updated.reminder_days_before_due, updated.escalate_after_working_days) == ([5, 1, 0], 2)


@pytest.mark.parametrize(
    ("fields", "code", "says"),
    [
        ({"step_target_working_days": {"hearing": -5}}, "profile.targets", "from 1 to 250"),
        ({"step_target_working_days": {"hearing": 0}}, "profile.targets", "“Hearing” was given 0"),
        ({"step_target_working_days": {"hearing": 2.5}}, "profile.targets", "whole number"),
        ({"step_target_working_days": {"hearing": "20"}}, "profile.targets", "whole number"),
        ({"step_target_working_days": {"hearing": True}}, "profile.targets", "whole number"),
        ({"step_target_working_days": {"hearing": 251}}, "profile.targets", "from 1 to 250"),
        ({"step_target_working_days": {"lunch": 5}}, "profile.targets", "No target can be set for: lunch"),
        ({"step_target_working_days": {"legality_review": 5}}, "profile.targets", "Decree 713 Art. 26"),
        ({"step_target_working_days": [20]}, "profile.targets", "working days by step"),
        ({"reminder_days_before_due": [3, -1]}, "profile.reminders", "e.g. [3, 1, 0]"),
        ({"reminder_days_before_due": []}, "profile.reminders", "at least one"),
        ({"reminder_days_before_due": ["3"]}, "profile.reminders", "whole working days"),
        ({"reminder_days_before_due": 3}, "profile.reminders", "whole working days"),
        ({"escalate_after_working_days": 0}, "profile.escalation", "from 1 to 60"),
        ({"escalate_after_working_days": 61}, "profile.escalation", "from 1 to 60"),
        ({"escalate_after_working_days": "3"}, "profile.number", "is a whole number"),
        ({"min_comment_days": 30.5}, "profile.number", "is a whole number"),
    ],
)
def test_bad_profile_values_are_refused_and_change_nothing(world, drafting, fields, code, says):
    ProcedureProfile.objects.create(organ=world.city)
    stored = ProcedureProfile.objects.values().get(organ=world.city)
    dues = list(Step.objects.filter(decision=drafting).values_list("pk", "due_on", "due_is_provisional"))
    with refused(code, drafting, says=says):
        services.update_procedure_profile(organ=world.city, actor=world.legal_reviewer, **fields)
    assert ProcedureProfile.objects.values().get(organ=world.city) == stored
    assert list(Step.objects.filter(decision=drafting).values_list("pk", "due_on", "due_is_provisional")) == dues


def test_the_set_due_dates_command_fills_steps_opened_before_due_dates_were_kept(world, drafting):
    from io import StringIO

    from django.core.management import call_command

    step = current_steps(drafting)[StepKind.PARTY_REPORT]
    step.due_on = None
    step.save(update_fields=["due_on"])
    out = StringIO()
    call_command("set_due_dates", stdout=out)
    step.refresh_from_db()
    assert step.due_on == add_working_days(timezone.localdate(), 20).value
    assert "1 due dates set or moved." in out.getvalue()
    assert not due_moves(step)  # a first date, not a move


# ---------------------------------------------------------------- the execution's report cadence


def test_the_organ_names_the_report_cadence_when_execution_starts(client, world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    login(client, world.gov)
    response = client.post(
        reverse("api:decision_transition", args=[decision.pk, "start_execution"]),
        {"execution_unit": world.transport.pk, "report_cadence": "monthly"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    step = current_steps(decision)[StepKind.EXECUTION]
    assert Execution.objects.get(step=step).report_cadence == "monthly"
    expected = months_period_end(timezone.localdate(), 1)
    assert (step.due_on, step.due_is_provisional) == (expected.value, expected.provisional)
    execution = next(row for row in response.json()["steps"] if row["kind"] == StepKind.EXECUTION)
    assert execution["due_on"] == expected.value.isoformat()


def test_an_unknown_report_cadence_is_refused_and_changes_nothing(client, world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    with refused("execution.cadence", decision, says="monthly, quarterly or every half year"):
        services.start_execution(
            decision=decision, actor=world.gov, execution_unit=world.transport, report_cadence="weekly"
        )
    login(client, world.gov)
    response = client.post(
        reverse("api:decision_transition", args=[decision.pk, "start_execution"]),
        {"execution_unit": world.transport.pk, "report_cadence": "weekly"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["missing"]) == (400, ["report_cadence"])
