"""The rules the foundation still got wrong, each refused with a message that names its article, changing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accountability.models import LedgerEvent
from accounts.roles import Role
from decisions import services
from decisions.errors import ProcedureError
from decisions.models import ProcedureProfile
from decisions.procedure import STEP_MOVES, TRANSITIONS, State, StepKind, StepStatus
from decisions.selectors import current_steps, my_tasks
from decisions.services.base import move_step, move_to
from demo.walkthrough import Walkthrough, drive_to, meeting_members, pdf_file, step_details, submit_unit_step
from tests.decisions.test_rules import (
    give_opinion,
    high_risk,
    ready_for_review,
    record_meeting,
    request_review,
    run_unit_step,
    upload_draft,
)
from tests.factories import make_decision, make_user, withdraw
from tests.refusals import refused, status_of
from workdays.calendar import period_end

# ---------------------------------------------------------------- the tables are the truth


def test_a_service_cannot_move_a_decision_to_a_target_its_transition_does_not_declare(world, decision):
    with pytest.raises(ProcedureError) as caught:
        move_to(decision, State.ARCHIVED, actor=world.gov, transition=TRANSITIONS["catalog"])
    assert caught.value.code == "procedure.undeclared_target"
    assert status_of(decision) == State.PROPOSED


@pytest.mark.parametrize("move", sorted(STEP_MOVES))
def test_a_step_changes_status_only_by_a_row_of_the_step_table(decision, move):
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    row = STEP_MOVES[move]
    for status in StepStatus:
        step.status = status
        if status in row.sources:
            move_step(step, move)
            assert step.status == row.target
        else:
            with pytest.raises(ProcedureError) as caught:
                move_step(step, move)
            assert caught.value.code == "step.wrong_status"


# ---------------------------------------------------------------- Art. 30: the head speaks last; the quorum


def test_a_record_in_which_the_head_spoke_before_a_member_is_refused(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    members = meeting_members()
    members.insert(1, {"name": "王市长", "view": "agree", "remarks": "先表个态。"})
    with refused("rule4.head_speaks_last", decision, says=("Art. 30", "speaks last", "王市长")):
        record_meeting(world, decision, members=members)


def test_the_head_is_not_one_of_the_members_whose_views_form_the_majority(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    members = [*meeting_members(), {"name": "王市长", "view": "agree", "remarks": ""}]
    with refused("rule4.head_not_member", decision, says=("Art. 30", "only as the head")):
        record_meeting(world, decision, members=members)


def test_a_meeting_without_its_quorum_is_refused(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    # 3 members and the head present out of 9: not more than half.
    with refused("rule4.quorum", decision, says=("Art. 30", "more than 50%", "9 members", "4 were recorded")):
        record_meeting(world, decision, members_total=9)
    with refused("meeting.members_total", decision):
        record_meeting(world, decision, members_total=None)
    record_meeting(world, decision, members_total=7)  # 4 of 7
    assert status_of(decision) == State.DECIDED


def test_the_quorum_comes_from_the_organ_profile(world, decision):
    drive_to(decision, State.CATALOGED, world.cast)  # (the catalog's meeting, under the default quorum)
    ProcedureProfile.objects.create(organ=world.city, meeting_quorum_percent=66)
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    with refused("rule4.quorum", decision, says="more than 66%"):
        record_meeting(world, decision, members_total=7)  # 4 of 7 is 57%
    record_meeting(world, decision, members_total=6)  # 4 of 6 is 67%
    assert status_of(decision) == State.DECIDED


# ---------------------------------------------------------------- Art. 35–36: what an evaluation's conclusion does


def evaluated(world, decision, conclusion: str):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    return Walkthrough(world.cast).evaluate(decision, conclusion, summary="结论")


def test_an_evaluation_concluding_continue_only_closes_the_evaluation(world, decision):
    step = evaluated(world, decision, "continue")
    assert step.status == StepStatus.DONE
    decision.refresh_from_db()
    assert (decision.status, decision.adjustment_round) == (State.IN_EXECUTION, 0)


@pytest.mark.parametrize(("conclusion", "purpose"), [("adjust", "change"), ("stop", "stop")])
def test_an_evaluation_concluding_adjust_or_stop_opens_that_procedure_with_a_deadline(
    world, decision, conclusion, purpose
):
    evaluated(world, decision, conclusion)
    decision.refresh_from_db()
    # The decision in force goes on being executed; beside it, the adjustment drafts.
    assert (decision.status, decision.procedure_state) == (State.IN_EXECUTION, State.DRAFTING)
    adjustment = decision.adjustment
    assert (adjustment.number, adjustment.purpose, adjustment.stage) == (1, purpose, "drafting")
    # 90 days, the last one run on to a working day (Civil Code Art. 203).
    assert adjustment.due_on == period_end(timezone.localdate(), 90).value
    meeting = current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION]
    assert (meeting.adjustment_round, meeting.due_on) == (1, adjustment.due_on)
    # The whole move, evaluation closed and adjustment opened, is one ledger event.
    last = LedgerEvent.objects.filter(decision_id=decision.pk).order_by("-id")
    assert last[0].action == "decision.complete_evaluation"
    assert last[0].after["purpose"] == purpose
    assert last[1].action == "evaluation.report_submitted"  # the evaluation body's report, before it


def test_a_rejected_adjustment_after_an_evaluation_leaves_the_decision_executed_and_workable(world, decision):
    evaluated(world, decision, "adjust")
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    record_meeting(world, decision, outcome="rejected", members=meeting_members("rejected"))
    decision.refresh_from_db()
    assert decision.status == State.IN_EXECUTION
    assert current_steps(decision)[StepKind.EXECUTION].status == StepStatus.OPEN
    services.suspend_decision(decision=decision, actor=world.gov, reason="紧急情况，暂停执行。")
    assert status_of(decision) == State.SUSPENDED


# ---------------------------------------------------------------- an ended decision refuses every act


def test_a_withdrawn_decision_refuses_a_pending_not_applicable_confirmation(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    services.propose_not_applicable(step=step, actor=world.drafter, reason="本事项无需请示。")
    assert any(task.step and task.step.pk == step.pk for task in my_tasks(world.legal_reviewer))
    withdraw(world, decision, "目录调整。")
    step.refresh_from_db()
    assert not any(task.step and task.step.pk == step.pk for task in my_tasks(world.legal_reviewer))
    with refused("procedure.ended", decision, says="ended"):
        services.confirm_not_applicable(step=step, actor=world.legal_reviewer, confirm=True)


def test_a_done_step_is_never_set_not_applicable(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    services.propose_not_applicable(step=step, actor=world.drafter, reason="本事项无需请示。")
    run_unit_step(world, decision, StepKind.PARTY_REPORT, step_details(StepKind.PARTY_REPORT, timezone.localdate()))
    step.refresh_from_db()
    assert step.status == StepStatus.DONE
    with refused("step.already_done", decision, says="never set not applicable"):
        services.confirm_not_applicable(step=step, actor=world.legal_reviewer, confirm=True)


# ---------------------------------------------------------------- Art. 24: reassess a changed draft


def test_a_blocking_risk_is_lifted_only_by_assessing_a_newer_draft(world):
    decision = make_decision(world, has_stability_risk=True)
    drive_to(decision, State.DRAFTING, world.cast)
    upload_draft(world, decision)
    first = run_unit_step(world, decision, StepKind.RISK_ASSESSMENT, high_risk(controllable=False))
    assert (first.outcome, first.draft.version) == ("risk_blocking", 1)
    ready_for_review(world, decision)
    second = services.reopen_step(step=first, actor=world.drafter, reason="重新评估。")
    services.update_step_details(step=second, actor=world.drafter, details=high_risk(controllable=True))
    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("r.pdf"),
        kind="report",
        title="风险评估报告",
        step=second,
    )
    with refused("rule1.risk_same_draft", decision, says=("Art. 24", "version 1", "newer")):
        services.submit_step(step=second, actor=world.drafter)
    upload_draft(world, decision, "adjusted.pdf", text="删除收费条款")
    services.submit_step(step=second, actor=world.drafter)
    services.approve_step(step=second, actor=world.head)
    request_review(world, decision)
    assert status_of(decision) == State.LEGALITY_REVIEW


# ---------------------------------------------------------------- archiving ends the record


def test_a_decision_in_execution_is_archived_only_after_its_execution_ended(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("rule7.execution_not_ended", decision, says=("Art. 37", "term is over")):
        services.archive_decision(decision=decision, actor=world.gov, reason="执行完毕。")


def test_a_decision_whose_term_is_over_is_archived(world):
    decision = make_decision(world, term_end=timezone.localdate() - timedelta(days=1))
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.archive_decision(decision=decision, actor=world.gov, reason="执行期限届满。")
    assert status_of(decision) == State.ARCHIVED


# ---------------------------------------------------------------- refusals name their article


def test_discussing_a_decision_found_unlawful_cites_article_25(world, decision):
    ready_for_review(world, decision)
    request_review(world, decision)
    give_opinion(world, decision, opinion="unlawful")
    with refused("rule1.no_lawful_opinion", decision, says=("Art. 25", "unlawful")):
        record_meeting(world, decision)


# ---------------------------------------------------------------- tasks and the two-person rule


def test_my_tasks_never_offer_a_head_the_approval_of_their_own_submission(world, decision):
    both = make_user("both", world.transport, Role.DRAFTER, Role.DEPT_HEAD, name="兼任者")
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    submit_unit_step(decision, StepKind.PARTY_REPORT, both)
    assert not any(task.step and task.step.pk == step.pk for task in my_tasks(both))
    assert any(task.step and task.step.pk == step.pk for task in my_tasks(world.head))


# ---------------------------------------------------------------- periods


def test_a_period_whose_end_is_before_its_start_is_refused_when_saved(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    today = timezone.localdate()
    details = step_details(StepKind.PUBLIC_PARTICIPATION, today) | {
        "comment_start": today.isoformat(),
        "comment_end": (today - timedelta(days=3)).isoformat(),
    }
    with refused("step.period_order", decision, says="end after it starts"):
        services.update_step_details(step=step, actor=world.drafter, details=details)


def test_the_hearing_notice_comes_from_the_organ_profile(world):
    ProcedureProfile.objects.create(organ=world.city, min_hearing_notice_days=10)
    decision = make_decision(world, requires_hearing=True)
    drive_to(decision, State.DRAFTING, world.cast)
    today = timezone.localdate()
    details = step_details(StepKind.HEARING, today) | {
        "hearing_date": (today - timedelta(days=1)).isoformat(),
        "materials_sent_on": (today - timedelta(days=9)).isoformat(),
    }
    step = current_steps(decision)[StepKind.HEARING]
    services.update_step_details(step=step, actor=world.drafter, details=details)
    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("h.pdf"),
        kind="record",
        title="听证笔录",
        step=step,
    )
    with refused("hearing.materials_late", decision, says=("Art. 16", "10 days")):
        services.submit_step(step=step, actor=world.drafter)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("min_hearing_notice_days", 5, "profile.hearing_days"),
        ("meeting_quorum_percent", 40, "profile.quorum"),
        ("evaluation_after_months", 0, "profile.period"),
    ],
)
def test_a_profile_below_the_law_is_refused(world, field, value, code):
    with refused(code):
        services.update_procedure_profile(organ=world.city, actor=world.legal_reviewer, **{field: value})
    assert not ProcedureProfile.objects.filter(organ=world.city).exists()


# ---------------------------------------------------------------- an adjustment is its own record (Art. 37)


def started_adjustment(world, decision, purpose="change"):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.start_adjustment(decision=decision, actor=world.gov, purpose=purpose, reason="评估建议调整票价。")
    decision.refresh_from_db()
    return decision.adjustment


def test_the_decision_in_force_and_its_adjustment_are_two_separate_things(world, decision):
    adjustment = started_adjustment(world, decision)
    decision.refresh_from_db()
    assert (decision.status, adjustment.stage, adjustment.number) == (State.IN_EXECUTION, "drafting", 1)
    # The steps of the round belong to that round.
    rounds = {step.kind: step.adjustment_round for step in current_steps(decision).values()}
    assert rounds[StepKind.LEGALITY_REVIEW] == rounds[StepKind.PUBLICATION] == adjustment.number
    assert rounds[StepKind.EXECUTION] == 0  # execution of the decision in force goes on
    # An emergency suspension is possible while the adjustment runs; it moves the decision, not the adjustment.
    services.suspend_decision(decision=decision, actor=world.gov, reason="紧急情况，暂停执行。")
    decision.refresh_from_db()
    assert (decision.status, decision.procedure_state) == (State.SUSPENDED, State.DRAFTING)
    drive_to(decision, State.IN_EXECUTION, world.cast)  # the adjusted decision is published and executed again
    decision.refresh_from_db()
    assert (decision.status, decision.adjustment) == (State.IN_EXECUTION, None)
    assert decision.adjustments.get().stage == "completed"


def test_a_second_adjustment_waits_for_the_first(world, decision):
    started_adjustment(world, decision)
    with refused("rule7.adjustment_running", decision, says=("Art. 37", "adjustment 1")):
        services.start_adjustment(decision=decision, actor=world.gov, purpose="stop", reason="另起调整。")


def test_an_abandoned_adjustment_leaves_the_decision_in_force_as_it_was_and_workable(world, decision):
    adjustment = started_adjustment(world, decision)
    with refused("procedure.reason_required", decision):
        services.abandon_adjustment(decision=decision, actor=world.gov, reason=" ")
    services.abandon_adjustment(decision=decision, actor=world.gov, reason="情况变化，不再调整。")
    decision.refresh_from_db()
    adjustment.refresh_from_db()
    assert (decision.status, decision.adjustment, adjustment.stage) == (State.IN_EXECUTION, None, "abandoned")
    assert current_steps(decision)[StepKind.LEGALITY_REVIEW].status == StepStatus.CLOSED
    assert current_steps(decision)[StepKind.EXECUTION].status == StepStatus.OPEN
    services.start_adjustment(decision=decision, actor=world.gov, purpose="stop", reason="改为停止执行。")
    decision.refresh_from_db()
    assert (decision.adjustment.number, decision.adjustment.purpose) == (2, "stop")


def test_nothing_is_abandoned_without_an_adjustment(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("adjustment.none", decision):
        services.abandon_adjustment(decision=decision, actor=world.gov, reason="无。")
