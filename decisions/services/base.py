"""What every service shares: locking, permission and state checks, the one ledger event per transition."""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import Organization, User

from .. import registry
from ..bounds import text_error, text_problem
from ..errors import ProcedureError
from ..fields import status_unlocked
from ..guards import first_failing_guard
from ..models import Adjustment, Decision, Document, Execution, ProcedureProfile, Step
from ..permissions import Action, acting_role, can
from ..procedure import (
    DRAFTING_STEPS,
    ENDED_STATES,
    PUBLIC_STATES,
    RUNNING_ADJUSTMENT_STAGES,
    STEP_MOVES,
    TRANSITIONS,
    AdjustmentStage,
    Requirement,
    State,
    StepKind,
    StepStatus,
    Transition,
)
from ..selectors import current_steps
from .deadlines import apply_due_date, clear_superseded_due_date

# The portal caches its list of published decisions; a change of public state clears it after commit.
PUBLIC_LIST_CACHE_KEY = "portal:published-decisions"

logger = logging.getLogger(__name__)


def forget_public_list() -> None:
    """Clear the portal's cached list (run after commit). The cache is an optimisation: when it cannot be reached the
    act is already committed, so the failure is logged, never raised (an error page would make the person retry a
    move that was made); the list then expires by itself (the portal caches it for ten minutes)."""
    try:
        cache.delete(PUBLIC_LIST_CACHE_KEY)
    except Exception:
        logger.warning("Could not clear the cached public list %r after a commit", PUBLIC_LIST_CACHE_KEY, exc_info=True)


ALWAYS_REQUIRED_STEPS = (StepKind.LEGALITY_REVIEW, StepKind.COLLECTIVE_DISCUSSION, StepKind.EXECUTION)

# Which decision states let the unit work on each step it runs.
STEP_WORK_STATES = {
    **{kind: {State.DRAFTING} for kind in DRAFTING_STEPS},
    StepKind.PARTY_REPORT: {State.DRAFTING, State.LEGALITY_REVIEW, State.AWAITING_DISCUSSION},
    StepKind.CONGRESS_REPORT: {
        State.DRAFTING,
        State.LEGALITY_REVIEW,
        State.AWAITING_DISCUSSION,
        State.DECIDED,
    },
}


def profile_for(organ: Organization) -> ProcedureProfile:
    """The organ's procedure profile, or Decree 713's defaults when the organ has none."""
    return ProcedureProfile.for_organ(organ)


def ensure_allowed(user: User, action: Action, obj) -> None:
    verdict = can(user, action, obj)
    if not verdict:
        raise ProcedureError.from_verdict(verdict)


def latest_draft(decision: Decision) -> Document | None:
    """The draft as it stands (what a review or an assessment looks at, fixed by its version and hash)."""
    # The newest upload of a draft (versions count per title: a draft under a new title starts again at v1).
    return decision.documents.filter(kind=Document.Kind.DRAFT).order_by("-uploaded_at", "-id").first()


def draft_reference(draft: Document | None) -> dict | None:
    """A draft as the step's record shows it (the typed link is `Step.draft`)."""
    return {"document": draft.pk, "version": draft.version, "sha256": draft.sha256} if draft else None


def ensure_not_ended(decision: Decision) -> None:
    """An archived, withdrawn, rejected or terminated decision refuses every act: its record is closed."""
    if decision.status in ENDED_STATES:
        raise ProcedureError(
            "procedure.ended",
            _("The decision is “%(state)s”: its procedure has ended and its record accepts no further act.")
            % {"state": State(decision.status).label},
        )


def lock_decision(decision: Decision) -> Decision:
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.adjustment_id:  # its stage moves with the decision: lock it too
        locked.adjustment = Adjustment.objects.select_for_update().get(pk=locked.adjustment_id)
    return locked


def lock_step(step: Step) -> tuple[Decision, Step]:
    decision = lock_decision(step.decision)
    return decision, Step.objects.select_for_update().select_related("decision").get(pk=step.pk)


def require_text(value: str, code: str, message: str, fields: tuple[str, ...] = ()) -> str:
    """The text, stripped; refused when empty, or when no database could keep it (`bounds.text_problem`)."""
    value = optional_text(value, fields)
    if not value:
        raise ProcedureError(code, message, fields=fields)
    return value


def optional_text(value: str, fields: tuple[str, ...] = ()) -> str:
    """The text, stripped (may be empty); refused when it carries a NUL character or a lone surrogate."""
    value = (value or "").strip()
    problem = text_problem(value)
    if problem:
        raise text_error(problem, fields)
    return value


def state_refusal(decision: Decision, transition: Transition) -> ProcedureError | None:
    current = transition.current_state(decision)
    if current not in transition.sources:
        if decision.is_adjustment and not transition.on_force:
            return ProcedureError(
                "procedure.wrong_state",
                _("“%(action)s” is not possible while the decision's adjustment is “%(state)s”.")
                % {"action": transition.label, "state": AdjustmentStage(current).label},
            )
        return ProcedureError(
            "procedure.wrong_state",
            _("“%(action)s” is not possible while the decision is “%(state)s”.")
            % {"action": transition.label, "state": State(current).label},
        )
    return None


def transition_refusal(decision: Decision, name: str, user: User, steps=None) -> ProcedureError | None:
    """Why `user` may not make transition `name` now (None when they may): permission, state, ordering rules."""
    transition = TRANSITIONS[name]
    verdict = can(user, transition.action, decision)
    if not verdict:
        return ProcedureError.from_verdict(verdict)
    return rule_refusal(decision, name, steps)


def rule_refusal(decision: Decision, name: str, steps=None) -> ProcedureError | None:
    """Why nobody may make transition `name` now, whoever asks (None: its holder may): state, ordering rules."""
    transition = TRANSITIONS[name]
    wrong_state = state_refusal(decision, transition)
    if wrong_state is not None:
        return first_failing_guard(decision, transition.explained_by, steps) or wrong_state
    return first_failing_guard(decision, transition.guards, steps)


def check_transition(decision: Decision, name: str, actor: User) -> Transition:
    refusal = transition_refusal(decision, name, actor)
    if refusal is not None:
        raise refusal
    return TRANSITIONS[name]


def move_to(
    decision: Decision,
    target: State,
    *,
    actor: User,
    transition: Transition,
    reason: str = "",
    after: dict | None = None,
    before: dict | None = None,
) -> None:
    """Set the new state and write the transition's one ledger event. Only a target the transition declares
    in the table may be set: the table is the truth, and the diagram drawn from it stays true.

    While an adjustment runs, a transition of the procedure moves the adjustment, not the decision in force (Art. 37):
    its stage follows the procedure; a rejected adjustment ends and leaves the decision as it was; an adopted stop
    terminates the decision; the adjusted decision's execution (re)starts it in execution."""
    if target not in transition.targets:
        raise ProcedureError(
            "procedure.undeclared_target",
            _("“%(action)s” does not lead to “%(state)s”.")
            % {"action": transition.label, "state": State(target).label},
        )
    previous = {"status": decision.status}
    adjustment = decision.adjustment if decision.is_adjustment and not transition.on_force else None
    new_status = target
    if adjustment is not None:
        previous["adjustment_stage"] = adjustment.stage
        stage, new_status = ADJUSTMENT_MOVES[target]
        _set_adjustment_stage(adjustment, stage, actor)
        if adjustment.stage not in RUNNING_ADJUSTMENT_STAGES:
            decision.adjustment = None
        new_status = new_status or decision.status
    if new_status != decision.status:
        with status_unlocked(decision):
            decision.status = new_status
        decision.status_changed_at = timezone.now()
    decision._history_user = actor
    decision.save()
    record_event(
        actor=actor,
        action=f"decision.{transition.name}",
        obj=decision,
        decision_id=decision.pk,
        role=acting_role(actor, transition.action, decision),
        before={**previous, **(before or {})},
        after={
            "status": decision.status,
            **({"adjustment_stage": adjustment.stage} if adjustment else {}),
            **(after or {}),
        },
        reason=reason,
    )
    if previous["status"] in PUBLIC_STATES or decision.status in PUBLIC_STATES or decision.published_at:
        transaction.on_commit(forget_public_list)


# A procedure target while an adjustment runs → (the adjustment's stage, the decision's new status or None: unchanged).
ADJUSTMENT_MOVES = {
    State.DRAFTING: (AdjustmentStage.DRAFTING, None),
    State.LEGALITY_REVIEW: (AdjustmentStage.LEGALITY_REVIEW, None),
    State.AWAITING_DISCUSSION: (AdjustmentStage.AWAITING_DISCUSSION, None),
    State.DECIDED: (AdjustmentStage.DECIDED, None),
    State.PUBLISHED: (AdjustmentStage.PUBLISHED, None),
    State.REJECTED: (AdjustmentStage.REJECTED, None),
    State.TERMINATED: (AdjustmentStage.TERMINATED, State.TERMINATED),
    State.IN_EXECUTION: (AdjustmentStage.COMPLETED, State.IN_EXECUTION),
}


def _set_adjustment_stage(adjustment: Adjustment, stage: AdjustmentStage, actor: User) -> None:
    with status_unlocked(adjustment):
        adjustment.stage = stage
    if stage not in RUNNING_ADJUSTMENT_STAGES:
        adjustment.ended_at = timezone.now()
    save_record(adjustment, actor)


def end_adjustment(decision: Decision, actor: User, stage: AdjustmentStage) -> Adjustment:
    """An adjustment ends without moving the decision in force (abandoned): it stays exactly as it was."""
    adjustment = decision.adjustment
    _set_adjustment_stage(adjustment, stage, actor)
    decision.adjustment = None
    return adjustment


def move_step(step: Step, move: str) -> None:
    """Change a step's status by a row of the step-status table (`procedure.STEP_MOVES`), or refuse."""
    row = STEP_MOVES[move]
    if step.status not in row.sources:
        raise ProcedureError(
            "step.wrong_status",
            _("“%(move)s” is not possible on a step that is “%(status)s”.")
            % {"move": row.label, "status": StepStatus(step.status).label},
        )
    step.status = row.target


def save_record(record, actor: User) -> None:
    """Save a step's typed record (or any tracked row) with who changed it, for its field history."""
    record._history_user = actor
    record.save()


def save_step(step: Step, actor: User) -> None:
    step._history_user = actor
    step.save()


def new_round(
    step: Step, *, status: StepStatus, actor: User | None = None, due: bool = True, moves: list | None = None
) -> Step:
    """The next round of a step kind (a returned legality review, a deferred meeting, an adjustment), with its own
    due date (`due=False`: the caller opens it at once, which sets it). The round it supersedes, if it ended
    without being done, no longer has one (`moves`: the transition's, see services.deadlines)."""
    clear_superseded_due_date(step, step.round + 1, actor, moves)
    successor = Step(
        decision=step.decision,
        kind=step.kind,
        round=step.round + 1,
        adjustment_round=step.decision.adjustment_round,
        requirement=step.requirement,
    )
    if status == StepStatus.OPEN:
        move_step(successor, "open")
        successor.opened_at = timezone.now()
    elif status != StepStatus.PENDING:
        raise ValueError(status)  # a new round is born pending or open
    if due:  # its own due date (a round not yet open has one only where its rule gives one)
        apply_due_date(successor, actor)
    successor._history_user = actor
    successor.save()
    return successor


def set_aside_unused_optional_steps(decision: Decision, actor: User, kinds) -> list[str]:
    """Optional steps nobody took up are marked not applicable when the procedure moves past them, so no step
    stays open in a decision that has left the state in which it could be worked on."""
    set_aside = []
    for kind, step in current_steps(decision).items():
        if (
            kind in kinds
            and step.requirement == Requirement.OPTIONAL
            and step.status in (StepStatus.PENDING, StepStatus.OPEN, StepStatus.RETURNED, StepStatus.SUBMITTED)
        ):
            set_not_applicable(step, _("Optional step not used."))
            save_step(step, actor)
            set_aside.append(kind)
    return set_aside


UNFINISHED_STEP_STATUSES = (
    StepStatus.PENDING,
    StepStatus.OPEN,
    StepStatus.SUBMITTED,
    StepStatus.RETURNED,
    StepStatus.APPROVED,
)


def close_unfinished_steps(decision: Decision, actor: User, kinds=None) -> list[str]:
    """When the procedure ends (withdrawn, rejected, terminated, archived) or an adjustment round is rejected,
    the steps still waiting are closed, so nothing stays open, due or approvable that can no longer be done."""
    closed = []
    for kind, step in current_steps(decision).items():
        if kinds is not None and kind not in kinds:
            continue
        if step.requirement != Requirement.NOT_APPLICABLE and step.status in UNFINISHED_STEP_STATUSES:
            move_step(step, "close")
            save_step(step, actor)
            closed.append(kind)
    return closed


def end_execution(step: Step, actor: User, ended_by: str) -> None:
    """The execution step is done, and its record says how it ended (stopped through an adjustment, archived)."""
    move_step(step, "complete")
    step.completed_at, step.completed_by = timezone.now(), actor
    save_step(step, actor)
    execution = Execution.objects.filter(step=step).first()
    if execution is not None:
        execution.ended_by = ended_by
        save_record(execution, actor)


def set_not_applicable(step: Step, reason: str) -> None:
    """A step that does not apply is not open either (it waits for nothing)."""
    move_step(step, "set_not_applicable")
    step.requirement = Requirement.NOT_APPLICABLE
    step.not_applicable_reason = reason


def awaits_taking_up(decision: Decision, step: Step) -> bool:
    """An optional step of the unit not yet taken up while it may be worked on: it opens when the drafter first saves
    its record or attaches a document to it (until then it shows as not started)."""
    return (
        step.status == StepStatus.PENDING
        and step.requirement == Requirement.OPTIONAL
        and step.kind in STEP_WORK_STATES
        and decision.procedure_state in STEP_WORK_STATES[StepKind(step.kind)]
    )


def open_step(step: Step, actor: User, *, due: bool = True, moves: list | None = None) -> None:
    """Open the step, with its due date by its rule (`due=False`: the caller sets it, e.g. once the record the date
    depends on is saved; `moves`: the transition's, see services.deadlines)."""
    move_step(step, "open")
    step.opened_at = timezone.now()
    if due:
        apply_due_date(step, actor, _("“%(step)s” opened") % {"step": StepKind(step.kind).label}, moves=moves)
    save_step(step, actor)
    owner = registry.owner_of(step.kind)
    if owner is not None and owner.on_open is not None:
        owner.on_open(step, profile_for(step.decision.organ))  # e.g. the comment period's minimum then in force


def refusal_of(check, *args) -> ProcedureError | None:
    try:
        check(*args)
    except ProcedureError as refusal:
        return refusal
    return None


def transition_options(decision: Decision, user: User) -> list[tuple[Transition, ProcedureError | None]]:
    """Every transition from the decision's current state, with the reason this user may not make it now."""
    steps = current_steps(decision)
    return [
        (transition, transition_refusal(decision, transition.name, user, steps))
        for transition in TRANSITIONS.values()
        if transition.current_state(decision) in transition.sources
    ]
