"""Steps run by the undertaking unit: fill in, submit, approve or return, not applicable, redo."""

from django.db import transaction
from django.db.models import BooleanField, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User

from .. import registry
from ..errors import ProcedureError
from ..guards import completed_risk_assessments, is_blocking_risk, latest_blocking_risk, reassessment_refusal
from ..models import Decision, Step
from ..permissions import Action, acting_role
from ..procedure import (
    NOT_APPLICABLE_STATUSES,
    UNIT_RUN_STEPS,
    Requirement,
    State,
    StepKind,
    StepStatus,
)
from ..selectors import current_steps, independent_bodies
from .base import (
    ALWAYS_REQUIRED_STEPS,
    STEP_WORK_STATES,
    awaits_taking_up,
    ensure_allowed,
    ensure_not_ended,
    latest_draft,
    lock_step,
    move_step,
    new_round,
    open_step,
    optional_text,
    refusal_of,
    require_text,
    save_record,
    save_step,
    set_not_applicable,
)
from .deadlines import set_due_date
from .documents import step_upload_refusal


def _ensure_unit_step_workable(decision: Decision, step: Step, actor: User) -> None:
    ensure_allowed(actor, Action.WORK_ON_STEP, decision)
    if step.kind not in UNIT_RUN_STEPS:
        raise ProcedureError("step.not_unit_run", _("This step is recorded through the decision's own actions."))
    if decision.procedure_state not in STEP_WORK_STATES[StepKind(step.kind)]:
        raise ProcedureError(
            "step.wrong_state",
            _("“%(step)s” cannot be worked on while the decision is “%(state)s”.")
            % {"step": StepKind(step.kind).label, "state": State(decision.procedure_state).label},
        )
    if step.requirement == Requirement.NOT_APPLICABLE:
        raise ProcedureError("step.not_applicable", _("This step was set not applicable."))
    if step.status not in (StepStatus.OPEN, StepStatus.RETURNED) and not awaits_taking_up(decision, step):
        raise ProcedureError(
            "step.wrong_status",
            _("This step is “%(status)s”; only an open or returned step can be changed.")
            % {"status": StepStatus(step.status).label},
        )


def step_record_form(step: Step, data=None):
    """The form of a step's typed record, as the step app that owns the kind registered it (None: it has none)."""
    owner = registry.owner_of(step.kind)
    if owner is None or owner.form_class is None:
        return None
    record = registry.record_of(step) or owner.record_model(step=step)
    return owner.form_class(data=data, instance=record, organizations=independent_bodies(step.decision))


def _ledger_value(value):
    return value.pk if isinstance(value, Model) else value


@transaction.atomic
def update_step_details(*, step: Step, actor: User, details) -> Step:
    """The unit fills in the step's typed record (the form its owner registered); each change is a ledger event."""
    decision, step = lock_step(step)
    _ensure_unit_step_workable(decision, step, actor)
    if awaits_taking_up(decision, step):  # an optional step opens when the drafter takes it up
        open_step(step, actor, due=False)  # due by its record, once saved (below)
    form = step_record_form(step, data=details)
    if not form.is_valid():
        problems = "；".join(
            f"{form.fields[name].label if name in form.fields else ''}：{' '.join(errors)}".lstrip("：")
            for name, errors in form.errors.items()
        )
        raise ProcedureError(
            "step.field_invalid",
            _("Check the record: %(problems)s") % {"problems": problems},
            fields=tuple(name for name in form.errors if name in form.fields),
        )
    record = form.save(commit=False)
    refusal = registry.owner_of(step.kind).record_refusal(record)
    if refusal is not None:
        raise refusal
    before = {name: _ledger_value(form.initial.get(name)) for name in form.changed_data}
    save_record(record, actor)
    record_event(
        actor=actor,
        action="step.details_updated",
        role=acting_role(actor, Action.WORK_ON_STEP, decision),
        obj=step,
        decision_id=decision.pk,
        before=before,
        after={name: _ledger_value(form.cleaned_data[name]) for name in form.changed_data},
    )
    # The record may hold the date the step's rule reads (a consultation's end, a hearing's date).
    changed = "、".join(str(form.fields[name].label) for name in form.changed_data if name in form.fields)
    set_due_date(
        step,
        actor,
        _("the record of “%(step)s” changed: %(fields)s") % {"step": StepKind(step.kind).label, "fields": changed},
        record=record,
    )
    return step


def _missing_fields(record, owner) -> list[str]:
    """The record's required fields left empty (a yes/no field is an answer either way) among those its form asks
    for now (a consultation set up in its workspace asks none: the step app fills them)."""
    asked = set(owner.form_class(instance=record).fields) if owner.form_class is not None else None
    missing = []
    for model_field in record._meta.concrete_fields:
        if model_field.name in ("id", "step") or not model_field.editable or model_field.blank:
            continue
        if asked is not None and model_field.name not in asked:
            continue
        if isinstance(model_field, BooleanField):
            continue
        if getattr(record, model_field.attname) in (None, ""):
            missing.append(str(model_field.verbose_name))
    return missing


def _submission_refusal(decision: Decision, step: Step) -> ProcedureError | None:
    """What the step still lacks before it can be submitted: its record's fields, its documents, the owner's
    conditions (the numbers and the law's), and for a risk assessment a changed draft (Art. 24)."""
    owner = registry.owner_of(step.kind)
    record = registry.record_of(step)
    if record is None:
        fields = [str(field.label) for field in owner.form_class().fields.values() if field.required]
        return ProcedureError("step.incomplete", _("Fill in: %(fields)s.") % {"fields": "、".join(fields)})
    missing = _missing_fields(record, owner)
    if missing:
        return ProcedureError("step.incomplete", _("Fill in: %(fields)s.") % {"fields": "、".join(missing)})
    if owner.needs_document and not step.documents.exists():
        return ProcedureError("step.no_document", _("Attach the step's document (report, record or opinions) first."))
    refusal = owner.record_refusal(record)
    if refusal is not None:
        return refusal
    if step.kind == StepKind.RISK_ASSESSMENT:
        # Art. 24: refused here already, not only when legality review is requested (the guard checks it again).
        blocking = latest_blocking_risk(completed_risk_assessments(decision, before_round=step.round))
        refusal = reassessment_refusal(blocking, latest_draft(decision)) if blocking else None
        if refusal is not None:
            return refusal
    return owner.submission_refusal(decision, step, record)


@transaction.atomic
def submit_step(*, step: Step, actor: User) -> Step:
    """The drafter submits a filled-in step to the unit's head."""
    decision, step = lock_step(step)
    _ensure_submittable(decision, step, actor)
    previous = step.status
    move_step(step, "submit")
    step.submitted_at, step.submitted_by = timezone.now(), actor
    # What the rules read of the record, as its owner says: the outcome, the draft concerned, who did the work.
    owner, record = registry.owner_of(step.kind), registry.record_of(step)
    step.outcome = owner.outcome(record) if owner.outcome else ""
    step.draft = latest_draft(decision) if owner.concerns_the_draft else None
    step.assessed_by = owner.assessed_by(record) if owner.assessed_by else None
    save_step(step, actor)
    record_event(
        actor=actor,
        action="step.submitted",
        role=acting_role(actor, Action.WORK_ON_STEP, decision),
        obj=step,
        decision_id=decision.pk,
        before={"status": previous},
        after={"status": step.status},
    )
    return step


def _ensure_reviewable(decision: Decision, step: Step, actor: User) -> None:
    ensure_allowed(actor, Action.APPROVE_STEP, step)
    if step.status != StepStatus.SUBMITTED or step.kind not in UNIT_RUN_STEPS:
        raise ProcedureError("step.not_submitted", _("Only a submitted step can be approved or returned."))
    if decision.procedure_state not in STEP_WORK_STATES[StepKind(step.kind)]:
        raise ProcedureError(
            "step.wrong_state",
            _("“%(step)s” cannot be approved while the decision is “%(state)s”.")
            % {"step": StepKind(step.kind).label, "state": State(decision.procedure_state).label},
        )


@transaction.atomic
def approve_step(*, step: Step, actor: User, comment: str = "") -> Step:
    """The unit's head approves a submitted step, which completes it (two-person rule: not their own)."""
    decision, step = lock_step(step)
    _ensure_reviewable(decision, step, actor)
    comment = optional_text(comment, ("comment",))
    now = timezone.now()
    move_step(step, "approve")
    step.reviewed_at = step.completed_at = now
    step.reviewed_by = step.completed_by = actor
    step.review_comment = comment
    save_step(step, actor)
    record_event(
        actor=actor,
        action="step.approved",
        role=acting_role(actor, Action.APPROVE_STEP, decision),
        obj=step,
        decision_id=decision.pk,
        before={"status": StepStatus.SUBMITTED},
        after={"status": step.status},
        reason=step.review_comment,
    )
    return step


@transaction.atomic
def return_step(*, step: Step, actor: User, comment: str) -> Step:
    decision, step = lock_step(step)
    _ensure_reviewable(decision, step, actor)
    comment = require_text(comment, "step.comment_required", _("Returning a step needs a comment saying what to fix."))
    move_step(step, "return")
    step.reviewed_at, step.reviewed_by, step.review_comment = timezone.now(), actor, comment
    save_step(step, actor)
    record_event(
        actor=actor,
        action="step.returned",
        role=acting_role(actor, Action.APPROVE_STEP, decision),
        obj=step,
        decision_id=decision.pk,
        before={"status": StepStatus.SUBMITTED},
        after={"status": step.status},
        reason=comment,
    )
    return step


@transaction.atomic
def reopen_step(*, step: Step, actor: User, reason: str) -> Step:
    """A new round of a completed unit step while drafting (e.g. a new risk assessment after redrafting)."""
    decision, step = lock_step(step)
    _ensure_reopenable(decision, step, actor)
    if current_steps(decision)[step.kind].pk != step.pk:
        raise ProcedureError("step.not_current", _("Only the latest round of a step can be redone."))
    reason = require_text(reason, "procedure.reason_required", _("Redoing a step needs a reason."), fields=("reason",))
    successor = new_round(step, status=StepStatus.OPEN, actor=actor)
    if step.kind == StepKind.RISK_ASSESSMENT and is_blocking_risk(step):
        # Art. 24: after a high, uncontrollable finding the new assessment is required, whatever the flags say.
        successor.requirement = Requirement.REQUIRED
        save_step(successor, actor)
    record_event(
        actor=actor,
        action="step.reopened",
        role=acting_role(actor, Action.WORK_ON_STEP, decision),
        obj=successor,
        decision_id=decision.pk,
        after={"round": successor.round},
        reason=reason,
    )
    return successor


@transaction.atomic
def propose_not_applicable(*, step: Step, actor: User, reason: str) -> Step:
    """An optional step is set not applicable with a reason; a required one needs the legal office's confirmation."""
    decision, step = lock_step(step)
    _ensure_not_applicable_proposable(decision, step, actor)
    reason = require_text(reason, "step.reason_required", _("Setting a step not applicable needs a written reason."))
    step.not_applicable_reason = reason
    step.not_applicable_proposed_by = actor
    if step.requirement == Requirement.OPTIONAL:
        set_not_applicable(step, reason)
        action = "step.set_not_applicable"
    else:
        action = "step.not_applicable_proposed"
    save_step(step, actor)
    record_event(
        actor=actor,
        action=action,
        role=acting_role(
            actor,
            Action.CONFIRM_NOT_APPLICABLE if "confirmed" in action or "refused" in action else Action.WORK_ON_STEP,
            decision,
        ),
        obj=step,
        decision_id=decision.pk,
        after={"requirement": step.requirement},
        reason=reason,
    )
    return step


@transaction.atomic
def confirm_not_applicable(*, step: Step, actor: User, confirm: bool, comment: str = "") -> Step:
    """The legal office confirms (or refuses) that a required step does not apply."""
    decision, step = lock_step(step)
    _ensure_confirmable(decision, step, actor)
    comment = optional_text(comment, ("comment",))
    if confirm:
        set_not_applicable(step, step.not_applicable_reason)
        step.not_applicable_confirmed_by = actor
        action = "step.not_applicable_confirmed"
    else:
        comment = require_text(comment, "step.comment_required", _("Refusing the proposal needs a comment."))
        step.not_applicable_proposed_by = None
        step.not_applicable_reason = ""
        action = "step.not_applicable_refused"
    save_step(step, actor)
    record_event(
        actor=actor,
        action=action,
        role=acting_role(
            actor,
            Action.CONFIRM_NOT_APPLICABLE if "confirmed" in action or "refused" in action else Action.WORK_ON_STEP,
            decision,
        ),
        obj=step,
        decision_id=decision.pk,
        after={"requirement": step.requirement},
        reason=comment,
    )
    return step


def _ensure_reopenable(decision: Decision, step: Step, actor: User) -> None:
    ensure_allowed(actor, Action.WORK_ON_STEP, decision)
    if decision.procedure_state != State.DRAFTING or step.kind not in UNIT_RUN_STEPS or step.status != StepStatus.DONE:
        raise ProcedureError(
            "step.not_reopenable", _("Only a completed step of the unit can be redone, while drafting.")
        )


def _ensure_confirmable(decision: Decision, step: Step, actor: User) -> None:
    ensure_allowed(actor, Action.CONFIRM_NOT_APPLICABLE, step)
    ensure_not_ended(decision)
    if step.not_applicable_proposed_by_id and step.status not in NOT_APPLICABLE_STATUSES:
        raise ProcedureError(
            "step.already_done",
            _("“%(step)s” is “%(status)s”: a step that is done is never set not applicable afterwards.")
            % {"step": StepKind(step.kind).label, "status": StepStatus(step.status).label},
        )
    if not step.awaits_not_applicable_confirmation:
        raise ProcedureError("step.no_proposal", _("No proposal to set this step not applicable awaits confirmation."))


def _ensure_submittable(decision: Decision, step: Step, actor: User) -> None:
    _ensure_unit_step_workable(decision, step, actor)
    refusal = _submission_refusal(decision, step)
    if refusal is not None:
        raise refusal


def _ensure_not_applicable_proposable(decision: Decision, step: Step, actor: User) -> None:
    ensure_allowed(actor, Action.WORK_ON_STEP, decision)
    if step.kind in ALWAYS_REQUIRED_STEPS:  # before the unit-step check, which would refuse it less clearly
        raise ProcedureError("step.always_required", _("This step is required by law for every decision."))
    _ensure_unit_step_workable(decision, step, actor)


def step_action_refusals(step: Step, user: User) -> dict[str, ProcedureError | None]:
    """For each action on a step, why the user may not take it now (None: they may)."""
    decision = step.decision
    return {
        "edit": refusal_of(_ensure_unit_step_workable, decision, step, user),
        "submit": refusal_of(_ensure_submittable, decision, step, user),
        "approve": refusal_of(_ensure_reviewable, decision, step, user),
        "return": refusal_of(_ensure_reviewable, decision, step, user),
        "propose_not_applicable": refusal_of(_ensure_not_applicable_proposable, decision, step, user),
        "confirm_not_applicable": refusal_of(_ensure_confirmable, decision, step, user),
        "reopen": refusal_of(_ensure_reopenable, decision, step, user),
        "upload": step_upload_refusal(step, user),
    }
