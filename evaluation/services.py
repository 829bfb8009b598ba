"""The post-decision evaluation (Decree 713 Art. 36): its start and its completion, transitions of the decision's table
that `evaluation` owns, driven through the inbound services of `decisions`."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from decisions.errors import ProcedureError
from decisions.models import Decision, Step
from decisions.procedure import AdjustmentPurpose, EvaluationConclusion, State, StepKind, StepStatus
from decisions.selectors import current_steps
from decisions.services.inbound import (
    begin_adjustment,
    check_transition,
    due_after_evaluation,
    due_moves_after,
    lock_decision,
    move_step,
    move_to,
    new_round,
    open_step,
    optional_text,
    profile_for,
    require_text,
    save_record,
    save_step,
    set_adjustment_due,
)
from workdays.calendar import add_months

from .models import Evaluation


@transaction.atomic
def start_evaluation(
    *, decision: Decision, actor: User, evaluator_org: Organization, staged: bool = False, stage_reason: str = ""
) -> Step:
    """Rule 6: no earlier than one year into execution, unless staged or the term has expired (then within six
    months of expiry); the evaluator must not be the body that did the pre-decision assessment."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "start_evaluation", actor)
    independent_kinds = (Organization.Kind.THIRD_PARTY, Organization.Kind.EXPERT_INSTITUTION)
    if evaluator_org is None or evaluator_org.kind not in independent_kinds:
        raise ProcedureError(
            "evaluation.evaluator",
            _("Choose a third-party body or an expert institution as the evaluation body."),
            fields=("evaluator_org",),
        )
    stage_reason = optional_text(stage_reason, ("stage_reason",))
    if staged and not stage_reason:
        raise ProcedureError(
            "rule6.stage_reason",
            _("Rule 6: a staged evaluation states which stage of the decision it evaluates."),
            fields=("stage_reason",),
        )
    today = timezone.localdate()
    profile = profile_for(decision.organ)
    started = timezone.localdate(decision.execution_started_at) if decision.execution_started_at else today
    earliest = add_months(started, profile.evaluation_after_months)
    one_year_in = earliest <= today
    term_expired_recently = bool(
        decision.term_end
        and decision.term_end < today <= add_months(decision.term_end, profile.evaluation_within_months_after_term)
    )
    if not (staged or one_year_in or term_expired_recently):
        raise ProcedureError(
            "rule6.too_early",
            _(
                "Rule 6: third-party evaluation starts no earlier than %(months)s months into execution (on "
                "%(date)s), unless it is staged or the decision's term has expired (then within %(after)s months)."
            )
            % {
                "months": profile.evaluation_after_months,
                "date": earliest.isoformat(),
                "after": profile.evaluation_within_months_after_term,
            },
        )
    steps = current_steps(decision)
    # The bodies that did the pre-decision assessment work, as the steps' owners recorded them.
    assessors = set(decision.steps.filter(assessed_by__isnull=False).values_list("assessed_by_id", flat=True))
    # Independence covers the whole body: its parent and its sub-units count as the body itself.
    related = evaluator_org.descendant_ids() | {
        org.pk for org in evaluator_org.ancestors_and_self() if org.kind != Organization.Kind.GOVERNMENT
    }
    if assessors & related:
        raise ProcedureError(
            "rule6.not_independent",
            _(
                "Rule 6 (Decree 713 Art. 36): %(org)s did this decision's pre-decision assessment and cannot "
                "evaluate it."
            )
            % {"org": evaluator_org.name},
            fields=("evaluator_org",),
        )
    step = steps[StepKind.POST_EVALUATION]
    if step.status != StepStatus.PENDING:
        step = new_round(step, status=StepStatus.PENDING, actor=actor, due=False)  # opened at once (below)
    moves: list = []  # due dates this transition moves (the evaluation's timing → its target), in its one event
    open_step(step, actor, moves=moves)
    save_record(Evaluation(step=step, evaluator=evaluator_org, staged=staged, stage_reason=stage_reason), actor)
    decision.evaluator_org = evaluator_org
    move_to(
        decision,
        State.EVALUATING,
        actor=actor,
        transition=transition,
        after={"evaluator": evaluator_org.name, "staged": staged, **due_moves_after(moves)},
    )
    return step


@transaction.atomic
def complete_evaluation(*, decision: Decision, actor: User, conclusion: str, summary: str) -> Step:
    """Art. 36: the evaluator's report and conclusion. "Continue" closes the evaluation and execution goes on;
    "adjust" or "stop" opens the adjustment procedure (rule 7, Art. 37) at once, due to be decided within the
    profile's days — the decision in force is changed or stopped only by that procedure."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "complete_evaluation", actor)
    if conclusion not in EvaluationConclusion.values:
        raise ProcedureError(
            "evaluation.conclusion", _("Choose the conclusion: continue, adjust or stop."), fields=("conclusion",)
        )
    summary = require_text(
        summary, "evaluation.summary", _("Summarize the evaluation's findings."), fields=("summary",)
    )
    step = current_steps(decision)[StepKind.POST_EVALUATION]
    evaluators = decision.evaluator_org.descendant_ids()
    if not step.documents.filter(uploaded_by__organization_id__in=evaluators).exists():
        raise ProcedureError("evaluation.report", _("The evaluation body uploads its evaluation report first."))
    now = timezone.now()
    evaluation = Evaluation.objects.get(step=step)
    evaluation.conclusion, evaluation.summary = conclusion, summary
    save_record(evaluation, actor)
    step.outcome = conclusion  # what the procedure reads: continue, or open the adjustment (Art. 36–37)
    move_step(step, "complete")
    step.submitted_at, step.submitted_by = now, actor
    step.completed_at, step.completed_by = now, actor
    save_step(step, actor)
    if conclusion == "continue":
        move_to(decision, State.IN_EXECUTION, actor=actor, transition=transition, after={"conclusion": conclusion})
        return step
    purpose = AdjustmentPurpose.STOP if conclusion == EvaluationConclusion.STOP else AdjustmentPurpose.CHANGE
    # The evaluation is over and the decision goes on being executed; beside it, the adjustment opens, due to be
    # decided within the profile's days (its meeting round carries the date).
    moves: list = []  # due dates this transition moves, recorded in its one event
    adjustment, _rounds = begin_adjustment(decision, actor, purpose, summary, moves)
    computed = due_after_evaluation(decision, timezone.localdate())
    set_adjustment_due(adjustment, computed, actor, _("the evaluation calls for an adjustment"), moves)
    due = computed.value
    move_to(
        decision,
        State.IN_EXECUTION,
        actor=actor,
        transition=transition,
        reason=summary,
        after={
            "conclusion": conclusion,
            "adjustment": adjustment.number,
            "purpose": purpose,
            "adjustment_due_on": due,
            **due_moves_after(moves),
        },
    )
    return step
