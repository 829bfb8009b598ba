"""The post-decision evaluation (Decree 713 Art. 36): its start and its completion, transitions of the decision's table
that `evaluation` owns, driven through the inbound services of `decisions`; between them the evaluation body submits
its report (not a transition: the decision stays "evaluating"), which the government office approves by completing
the evaluation (two persons, two roles)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import Organization, User
from decisions.errors import ProcedureError
from decisions.models import Decision, Step
from decisions.permissions import Action, acting_role
from decisions.procedure import AdjustmentPurpose, EvaluationConclusion, State, StepKind, StepStatus
from decisions.selectors import current_steps
from decisions.services.inbound import (
    begin_adjustment,
    check_transition,
    due_after_evaluation,
    due_moves_after,
    ensure_allowed,
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

from .models import Evaluation, Trigger
from .plans import published_plan_item

# The report's content (Art. 36), each required: implementation, effects against the goals and indicators, costs and
# benefits, public satisfaction, problems and recommendations.
REPORT_FIELDS = ("implementation", "effects", "costs_benefits", "satisfaction", "problems", "recommendations")


@transaction.atomic
def start_evaluation(
    *,
    decision: Decision,
    actor: User,
    evaluator_org: Organization,
    trigger: str = "",
    team: str = "",
    staged: bool = False,
    stage_reason: str = "",
) -> Step:
    """Rule 6: no earlier than one year into execution, unless staged or the term has expired (then within six
    months of expiry); the evaluator must not be the body that did the pre-decision assessment. The evaluation
    records why it is held (`trigger`): a decision in its organ's published plan of the year is linked to its item,
    and its trigger is then "plan" unless another is given."""
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
    team = optional_text(team, ("team",))
    plan_item = published_plan_item(decision, today.year)
    if plan_item is not None and not trigger:
        trigger = Trigger.PLAN
    if trigger not in Trigger.values or (trigger == Trigger.PLAN and plan_item is None):
        raise ProcedureError(
            "evaluation.trigger",
            _(
                "Decree 713 Art. 36: say why the decision is evaluated (“in the annual evaluation plan” only for a "
                "decision in the organ's published plan of the year)."
            ),
            fields=("trigger",),
        )
    step = steps[StepKind.POST_EVALUATION]
    if step.status != StepStatus.PENDING:
        step = new_round(step, status=StepStatus.PENDING, actor=actor, due=False)  # opened at once (below)
    moves: list = []  # due dates this transition moves (the evaluation's timing → its target), in its one event
    open_step(step, actor, moves=moves)
    evaluation = Evaluation(
        step=step,
        evaluator=evaluator_org,
        trigger=trigger,
        plan_item=plan_item,
        team=team,
        staged=staged,
        stage_reason=stage_reason,
    )
    save_record(evaluation, actor)
    decision.evaluator_org = evaluator_org
    move_to(
        decision,
        State.EVALUATING,
        actor=actor,
        transition=transition,
        after={
            "evaluator": evaluator_org.name,
            "trigger": trigger,
            "plan_item": plan_item.pk if plan_item else None,
            "staged": staged,
            **due_moves_after(moves),
        },
    )
    return step


def _report_document_refusal(decision: Decision, step: Step) -> ProcedureError | None:
    evaluators = decision.evaluator_org.descendant_ids() if decision.evaluator_org_id else set()
    if not step.documents.filter(uploaded_by__organization_id__in=evaluators).exists():
        return ProcedureError("evaluation.report", _("The evaluation body uploads its evaluation report first."))
    return None


@transaction.atomic
def submit_evaluation_report(
    *,
    decision: Decision,
    actor: User,
    implementation: str,
    effects: str,
    costs_benefits: str,
    satisfaction: str,
    problems: str,
    recommendations: str,
    conclusion: str,
    summary: str,
) -> Evaluation:
    """Art. 36: the evaluation body's report — implementation, effects against the goals and indicators, costs and
    benefits, public satisfaction, problems, recommendations — its conclusion and findings, with the report document
    it uploaded. The government office then approves it (`complete_evaluation`); until then it may be submitted
    again."""
    decision = lock_decision(decision)
    ensure_allowed(actor, Action.SUBMIT_EVALUATION_REPORT, decision)
    if decision.status != State.EVALUATING:
        raise ProcedureError(
            "evaluation.not_evaluating",
            _("The decision is “%(state)s”: a report is submitted while it is under evaluation.")
            % {"state": decision.get_status_display()},
        )
    values = {
        "implementation": implementation,
        "effects": effects,
        "costs_benefits": costs_benefits,
        "satisfaction": satisfaction,
        "problems": problems,
        "recommendations": recommendations,
    }
    for name in REPORT_FIELDS:
        values[name] = require_text(
            values[name],
            "evaluation.report_content",
            _("Decree 713 Art. 36: the report covers “%(part)s”.")
            % {"part": Evaluation._meta.get_field(name).verbose_name},
            fields=(name,),
        )
    if conclusion not in EvaluationConclusion.values:
        raise ProcedureError(
            "evaluation.conclusion", _("Choose the conclusion: continue, adjust or stop."), fields=("conclusion",)
        )
    summary = require_text(
        summary, "evaluation.summary", _("Summarize the evaluation's findings."), fields=("summary",)
    )
    step = current_steps(decision)[StepKind.POST_EVALUATION]
    refusal = _report_document_refusal(decision, step)
    if refusal is not None:
        raise refusal
    evaluation = Evaluation.objects.select_for_update().get(step=step)
    resubmitted = evaluation.report_submitted_at is not None
    for name, value in values.items():
        setattr(evaluation, name, value)
    evaluation.conclusion, evaluation.summary = conclusion, summary
    evaluation.report_submitted_at, evaluation.report_submitted_by = timezone.now(), actor
    save_record(evaluation, actor)
    record_event(
        actor=actor,
        action="evaluation.report_submitted",
        obj=evaluation,
        decision_id=decision.pk,
        role=acting_role(actor, Action.SUBMIT_EVALUATION_REPORT, decision) or None,
        after={"conclusion": conclusion, "step": step.pk, "resubmitted": resubmitted},
    )
    return evaluation


@transaction.atomic
def complete_evaluation(*, decision: Decision, actor: User, public_summary: str) -> Step:
    """Art. 36: the government office approves the evaluation body's report and publishes its public summary; the
    conclusion is the report's. "Continue" closes the evaluation and execution goes on; "adjust" or "stop" opens the
    adjustment procedure (rule 7, Art. 37) at once, due to be decided within the profile's days — the decision in
    force is changed or stopped only by that procedure."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "complete_evaluation", actor)
    step = current_steps(decision)[StepKind.POST_EVALUATION]
    evaluation = Evaluation.objects.select_for_update().get(step=step)
    if evaluation.report_submitted_at is None:
        raise ProcedureError(
            "evaluation.no_report",
            _("Decree 713 Art. 36: the evaluation body submits its report before the government office approves it."),
        )
    public_summary = require_text(
        public_summary,
        "evaluation.public_summary",
        _("Write the summary of the evaluation that is published."),
        fields=("public_summary",),
    )
    refusal = _report_document_refusal(decision, step)
    if refusal is not None:
        raise refusal
    conclusion, summary = evaluation.conclusion, evaluation.summary
    now = timezone.now()
    evaluation.public_summary, evaluation.summary_published_at = public_summary, now
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
