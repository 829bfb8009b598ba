"""Steps the undertaking unit runs: submit, approve (two-person rule), return, reopen, "not applicable"."""

import pytest
from django.utils import timezone

from accountability.models import LedgerEvent
from accounts.roles import Role
from decisions import services
from decisions.models import Document, Step
from decisions.procedure import UNIT_RUN_STEPS, Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps, record_values
from demo.walkthrough import complete_required_steps, drive_to, pdf_file, step_details
from review import services as legality
from tests.factories import make_user
from tests.refusals import refused, status_of

PARTICIPATION = StepKind.PUBLIC_PARTICIPATION


def fill(decision, kind, actor) -> Step:
    step = current_steps(decision)[kind]
    services.update_step_details(step=step, actor=actor, details=step_details(kind, timezone.localdate()))
    services.add_document(
        decision=decision,
        actor=actor,
        uploaded_file=pdf_file(f"{kind}.pdf"),
        kind=Document.Kind.REPORT,
        title="材料",
        step=step,
    )
    return step


def submitted_step(world, decision, kind=PARTICIPATION, actor=None) -> Step:
    drive_to(decision, State.DRAFTING, world.cast)
    step = fill(decision, kind, actor or world.drafter)
    return services.submit_step(step=step, actor=actor or world.drafter)


def last_action() -> str:
    return LedgerEvent.objects.order_by("-id").values_list("action", flat=True).first()


def fresh(step: Step) -> Step:
    return Step.objects.get(pk=step.pk)


def request_review(world, decision, actor=None):
    return legality.request_legality_review(
        decision=decision,
        actor=actor or world.drafter,
        legal_basis="条例",
        procedure_statement="已完成法定程序。",
    )


def ready_except(world, decision, skip):
    """Drafting, every required unit step done except `skip`, the draft uploaded."""
    drive_to(decision, State.DRAFTING, world.cast)
    complete_required_steps(decision, world.cast, [kind for kind in UNIT_RUN_STEPS if kind != skip])
    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("draft.pdf"),
        kind=Document.Kind.DRAFT,
        title="草案",
    )
    services.add_document(  # Art. 26: the drafting explanation goes with the request for legality review
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("explanation.pdf"),
        kind=Document.Kind.EXPLANATION,
        title="起草说明",
    )


# ---------------------------------------------------------------- submit, approve, return


def test_submitted_step_is_approved_by_the_unit_head(world, decision):
    step = submitted_step(world, decision)
    assert last_action() == "step.submitted"
    services.approve_step(step=step, actor=world.head, comment="同意。")
    step = fresh(step)
    assert (step.status, step.submitted_by, step.reviewed_by, step.completed_by) == (
        StepStatus.DONE,
        world.drafter,
        world.head,
        world.head,
    )
    assert last_action() == "step.approved"


def test_cannot_submit_an_incomplete_step(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    with refused("step.incomplete", decision, says="Comment period starts"):
        services.submit_step(step=step, actor=world.drafter)


def test_cannot_submit_a_step_without_its_document(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    services.update_step_details(
        step=step, actor=world.drafter, details=step_details(PARTICIPATION, timezone.localdate())
    )
    with refused("step.no_document", decision):
        services.submit_step(step=step, actor=world.drafter)


def test_user_who_is_drafter_and_head_cannot_approve_own_submission(world, decision):
    both = make_user("both", world.transport, Role.DRAFTER, Role.DEPT_HEAD, name="钱双岗")
    step = submitted_step(world, decision, actor=both)
    with refused("permission.two_person", decision, says="Two-person rule"):
        services.approve_step(step=step, actor=both)
    with refused("permission.two_person", decision, says="Two-person rule"):
        services.return_step(step=step, actor=both, comment="自己退回。")
    services.approve_step(step=step, actor=world.head)
    assert fresh(step).status == StepStatus.DONE


def test_drafter_and_head_may_approve_what_someone_else_submitted(world, decision):
    both = make_user("both", world.transport, Role.DRAFTER, Role.DEPT_HEAD, name="钱双岗")
    step = submitted_step(world, decision)
    services.approve_step(step=step, actor=both)
    assert fresh(step).reviewed_by == both


def test_drafter_cannot_approve(world, decision):
    step = submitted_step(world, decision)
    with refused("permission.role", decision):
        services.approve_step(step=step, actor=world.drafter)


def test_legality_requester_cannot_give_the_opinion(world, decision):
    dual = make_user("dual", world.transport, Role.DRAFTER, Role.LEGAL_REVIEWER, name="冯兼职")
    ready_except(world, decision, skip=None)
    request_review(world, decision, actor=dual)
    with refused("permission.two_person", decision, says="Two-person rule"):
        legality.give_legality_opinion(decision=decision, actor=dual, opinion="lawful", opinion_text="合法。")
    legality.give_legality_opinion(
        decision=decision, actor=world.legal_reviewer, opinion="lawful", opinion_text="合法。"
    )
    assert status_of(decision) == State.AWAITING_DISCUSSION


def test_only_a_submitted_step_can_be_approved(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    with refused("step.not_submitted", decision):
        services.approve_step(step=step, actor=world.head)


def test_returning_a_step_needs_a_comment_and_it_can_be_resubmitted(world, decision):
    step = submitted_step(world, decision)
    with refused("step.comment_required", decision):
        services.return_step(step=step, actor=world.head, comment=" ")
    services.return_step(step=step, actor=world.head, comment="请补充反馈情况。")
    assert fresh(step).status == StepStatus.RETURNED
    services.update_step_details(
        step=step,
        actor=world.drafter,
        details={**record_values(step), "feedback_summary": "补充后的意见采纳情况。"},
    )
    services.submit_step(step=step, actor=world.drafter)
    services.approve_step(step=step, actor=world.head)
    assert fresh(step).status == StepStatus.DONE


def test_submitted_step_cannot_be_edited(world, decision):
    step = submitted_step(world, decision)
    with refused("step.wrong_status", decision, says="Submitted"):
        services.update_step_details(step=step, actor=world.drafter, details={"channels": "改了"})


def test_unit_steps_cannot_be_worked_on_after_drafting(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    step = current_steps(decision)[StepKind.EXPERT_REVIEW]  # optional, still open
    with refused("step.wrong_state", decision, says="Legality review"):
        services.update_step_details(step=step, actor=world.drafter, details={"experts": "某专家"})


def test_reopening_a_done_step_needs_a_reason(world, decision):
    step = submitted_step(world, decision)
    services.approve_step(step=step, actor=world.head)
    with refused("procedure.reason_required", decision):
        services.reopen_step(step=step, actor=world.drafter, reason="")
    successor = services.reopen_step(step=step, actor=world.drafter, reason="草案重大修改，重新征求意见。")
    assert (successor.round, successor.status) == (2, StepStatus.OPEN)
    with refused("step.not_current", decision):
        services.reopen_step(step=step, actor=world.drafter, reason="再来一次。")


# ---------------------------------------------------------------- not applicable


def test_optional_step_is_set_not_applicable_directly_with_a_reason(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.EXPERT_REVIEW]
    assert step.requirement == Requirement.OPTIONAL
    services.propose_not_applicable(step=step, actor=world.drafter, reason="不涉及专业技术问题。")
    step = fresh(step)
    assert step.requirement == Requirement.NOT_APPLICABLE
    assert step.not_applicable_reason == "不涉及专业技术问题。"
    assert last_action() == "step.set_not_applicable"
    with refused("step.not_applicable", decision):
        services.update_step_details(step=step, actor=world.drafter, details={"experts": "某专家"})


def test_not_applicable_needs_a_reason(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.EXPERT_REVIEW]
    with refused("step.reason_required", decision, says="reason"):
        services.propose_not_applicable(step=step, actor=world.drafter, reason="  ")


@pytest.mark.parametrize("kind", services.ALWAYS_REQUIRED_STEPS)
def test_always_required_steps_cannot_be_not_applicable(world, decision, kind):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[kind]
    with refused("step.always_required", decision, says="required by law"):
        services.propose_not_applicable(step=step, actor=world.drafter, reason="本事项无需此环节。")


def test_drafters_proposal_keeps_a_required_step_required_and_rule1_blocks(world, decision):
    ready_except(world, decision, skip=PARTICIPATION)
    step = current_steps(decision)[PARTICIPATION]
    services.propose_not_applicable(step=step, actor=world.drafter, reason="仅涉及内部管理事项。")
    step = fresh(step)
    assert step.requirement == Requirement.REQUIRED
    assert step.awaits_not_applicable_confirmation
    assert last_action() == "step.not_applicable_proposed"
    with refused("rule1.steps_not_done", decision, says=("Rule 1", "Public participation")):
        request_review(world, decision)


def test_legal_reviewer_confirms_not_applicable_and_review_may_be_requested(world, decision):
    ready_except(world, decision, skip=PARTICIPATION)
    step = current_steps(decision)[PARTICIPATION]
    services.propose_not_applicable(step=step, actor=world.drafter, reason="仅涉及内部管理事项。")
    services.confirm_not_applicable(step=step, actor=world.legal_reviewer, confirm=True, comment="同意。")
    step = fresh(step)
    assert step.requirement == Requirement.NOT_APPLICABLE
    assert (step.not_applicable_proposed_by, step.not_applicable_confirmed_by) == (
        world.drafter,
        world.legal_reviewer,
    )
    assert last_action() == "step.not_applicable_confirmed"
    request_review(world, decision)
    assert status_of(decision) == State.LEGALITY_REVIEW


def test_confirming_not_applicable_requires_a_proposal(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    with refused("step.no_proposal", decision):
        services.confirm_not_applicable(step=step, actor=world.legal_reviewer, confirm=True)


def test_legal_reviewer_refuses_proposal_with_a_comment(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    services.propose_not_applicable(step=step, actor=world.drafter, reason="时间紧。")
    with refused("step.comment_required", decision):
        services.confirm_not_applicable(step=step, actor=world.legal_reviewer, confirm=False)
    services.confirm_not_applicable(
        step=step, actor=world.legal_reviewer, confirm=False, comment="涉及公众切身利益，应当公开征求意见。"
    )
    step = fresh(step)
    assert (step.requirement, step.not_applicable_proposed_by, step.not_applicable_reason) == (
        Requirement.REQUIRED,
        None,
        "",
    )
    assert last_action() == "step.not_applicable_refused"


def test_only_the_legal_office_confirms_not_applicable(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    services.propose_not_applicable(step=step, actor=world.drafter, reason="时间紧。")
    for actor in (world.drafter, world.head, world.gov):
        with refused("permission.role", decision):
            services.confirm_not_applicable(step=step, actor=actor, confirm=True)


def test_legal_reviewer_cannot_propose_not_applicable(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    with refused("permission.role", decision):
        services.propose_not_applicable(step=step, actor=world.legal_reviewer, reason="不适用。")


def test_nobody_confirms_their_own_not_applicable_proposal(world, decision):
    dual = make_user("dual", world.transport, Role.DRAFTER, Role.LEGAL_REVIEWER, name="冯兼职")
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    services.propose_not_applicable(step=step, actor=dual, reason="仅涉及内部管理事项。")
    with refused("permission.two_person", decision, says="Two-person rule"):
        services.confirm_not_applicable(step=step, actor=dual, confirm=True)
    services.confirm_not_applicable(step=step, actor=world.legal_reviewer, confirm=True)
    assert fresh(step).requirement == Requirement.NOT_APPLICABLE
