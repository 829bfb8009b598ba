"""The whole lifecycle through the services: every state reached, each with its ledger event."""

from datetime import timedelta

from django.utils import timezone

from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from decisions import services
from decisions.models import Decision
from decisions.procedure import State, StepKind, StepStatus
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from evaluation import services as evaluations
from tests.factories import make_decision


def _statuses(decision):
    return list(
        LedgerEvent.objects.filter(decision_id=decision.pk, action__startswith="decision.")
        .exclude(action__in=["decision.created", "decision.updated"])
        .values_list("after__status", flat=True)
    )


def test_happy_path_through_execution_evaluation_and_archive(world):
    # A one-year measure whose term has just ended: evaluated within six months, then archived (Art. 33, 36).
    decision = make_decision(world, term_end=timezone.localdate() - timedelta(days=1))
    drive_to(decision, State.IN_EXECUTION, world.cast)
    decision.refresh_from_db()
    assert decision.execution_unit == world.transport
    steps = current_steps(decision)
    assert steps[StepKind.LEGALITY_REVIEW].status == StepStatus.DONE
    assert steps[StepKind.COLLECTIVE_DISCUSSION].status == StepStatus.DONE
    assert steps[StepKind.PUBLICATION].status == StepStatus.DONE
    assert steps[StepKind.EXECUTION].status == StepStatus.OPEN

    services.report_execution(decision=decision, actor=world.drafter, progress="已完成线路调整的60%。")
    evaluations.start_evaluation(
        decision=decision,
        actor=world.gov,
        evaluator_org=world.evaluator_body,
        trigger="importance",
        staged=True,
        stage_reason="第一阶段（实施满半年）",
    )
    decision.refresh_from_db()
    assert decision.status == State.EVALUATING
    step = current_steps(decision)[StepKind.POST_EVALUATION]
    services.add_document(
        decision=decision,
        actor=world.evaluator,
        uploaded_file=pdf_file("report.pdf"),
        kind="report",
        title="第三方评估报告",
        step=step,
    )
    evaluations.submit_evaluation_report(
        decision=decision,
        actor=world.evaluator,
        implementation="按计划实施。",
        effects="达到阶段目标。",
        costs_benefits="成本可控。",
        satisfaction="满意度较高。",
        problems="配套不足。",
        recommendations="继续执行。",
        conclusion="continue",
        summary="实施效果良好，建议继续执行。",
    )
    evaluations.complete_evaluation(decision=decision, actor=world.gov, public_summary="实施效果良好，建议继续执行。")
    decision.refresh_from_db()
    assert decision.status == State.IN_EXECUTION
    services.archive_decision(decision=decision, actor=world.gov, reason="执行完毕。")
    decision.refresh_from_db()
    assert decision.status == State.ARCHIVED
    assert _statuses(decision) == [
        "cataloged",
        "drafting",
        "legality_review",
        "awaiting_discussion",
        "decided",
        "published",
        "in_execution",
        "evaluating",
        "in_execution",
        "archived",
    ]
    assert verify_chain().ok


def test_confidential_decision_goes_from_decided_to_execution(world):
    decision = make_decision(world, is_confidential=True, confidential_reason="涉及国家秘密（保密法第十三条）")
    drive_to(decision, State.DECIDED, world.cast)
    services.start_execution(decision=decision, actor=world.gov, execution_unit=world.transport)
    decision.refresh_from_db()
    assert decision.status == State.IN_EXECUTION
    assert current_steps(decision)[StepKind.PUBLICATION].requirement == "not_applicable"


def test_withdrawn_and_rejected(world):
    withdrawn = make_decision(world)
    services.withdraw_decision(decision=withdrawn, actor=world.gov, reason="年度目录调整，不再列入。")
    withdrawn.refresh_from_db()
    assert withdrawn.status == State.WITHDRAWN

    rejected = make_decision(world)
    drive_to(rejected, State.AWAITING_DISCUSSION, world.cast)
    services.record_collective_decision(
        decision=rejected,
        actor=world.gov,
        meeting_name="市政府常务会议",
        meeting_date=timezone.localdate(),
        members=[
            {"name": "甲", "view": "disagree", "remarks": ""},
            {"name": "乙", "view": "disagree", "remarks": ""},
        ],
        members_total=5,
        head_name="王市长",
        head_statement="不同意。",
        outcome="rejected",
    )
    rejected.refresh_from_db()
    assert rejected.status == State.REJECTED


def test_suspend_then_adjust_to_stop_terminates(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.suspend_decision(
        decision=decision, actor=world.gov, reason="发生重大安全隐患，先行暂停执行。", purpose="stop"
    )
    decision.refresh_from_db()
    # Two separate things: the decision in force stays suspended; its adjustment drafts.
    assert (decision.status, decision.procedure_state) == (State.SUSPENDED, State.DRAFTING)
    assert decision.adjustment_round == 1
    assert current_steps(decision)[StepKind.LEGALITY_REVIEW].round == 2
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    from demo.walkthrough import step_forward

    step_forward(decision, world.cast)
    decision.refresh_from_db()
    assert (decision.status, decision.adjustment) == (State.TERMINATED, None)
    assert decision.adjustments.get().stage == "terminated"
    services.archive_decision(decision=decision, actor=world.gov, reason="已终止，归档。")
    decision.refresh_from_db()
    assert decision.status == State.ARCHIVED


def test_adjustment_to_change_runs_again_to_execution(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.start_adjustment(decision=decision, actor=world.gov, purpose="change", reason="评估建议调整票价。")
    drive_to(decision, State.IN_EXECUTION, world.cast)
    decision.refresh_from_db()
    assert decision.adjustment_round == 1
    assert decision.steps.filter(kind=StepKind.COLLECTIVE_DISCUSSION).count() == 2
    assert Decision.objects.get(pk=decision.pk).execution_started_at > timezone.now() - timedelta(minutes=1)


def test_no_step_stays_open_once_the_procedure_has_moved_past_it(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    hearing = current_steps(decision)[StepKind.HEARING]
    assert (hearing.requirement, hearing.status) == ("not_applicable", "pending")
    assert hearing.not_applicable_reason
    drive_to(decision, State.IN_EXECUTION, world.cast)
    open_steps = [s.kind for s in current_steps(decision).values() if s.status == StepStatus.OPEN]
    assert open_steps == [StepKind.EXECUTION]
