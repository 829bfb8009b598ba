"""Steps run by the undertaking unit: fill in, submit, approve or return, not applicable, redo."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.ledger import record_event
from accounts.models import Organization, User
from workdays.calendar import period_end

from ..errors import ProcedureError
from ..guards import completed_risk_assessments, is_blocking_risk, latest_blocking_risk, reassessment_refusal
from ..models import Decision, Step
from ..permissions import Action, acting_role
from ..procedure import (
    NOT_APPLICABLE_STATUSES,
    STEP_SPECS,
    UNIT_RUN_STEPS,
    DetailField,
    Requirement,
    RiskFinding,
    RiskLevel,
    State,
    StepKind,
    StepStatus,
)
from ..selectors import current_steps
from .base import (
    ALWAYS_REQUIRED_STEPS,
    STEP_WORK_STATES,
    ensure_allowed,
    ensure_not_ended,
    latest_draft,
    lock_step,
    move_step,
    new_round,
    profile_for,
    refusal_of,
    require_text,
    save_step,
    set_not_applicable,
)
from .documents import ensure_can_upload


def _ensure_unit_step_workable(decision: Decision, step: Step, actor: User) -> None:
    ensure_allowed(actor, Action.WORK_ON_STEP, decision)
    if step.kind not in UNIT_RUN_STEPS:
        raise ProcedureError("step.not_unit_run", _("This step is recorded through the decision's own actions."))
    if decision.status not in STEP_WORK_STATES[StepKind(step.kind)]:
        raise ProcedureError(
            "step.wrong_state",
            _("“%(step)s” cannot be worked on while the decision is “%(state)s”.")
            % {"step": StepKind(step.kind).label, "state": State(decision.status).label},
        )
    if step.requirement == Requirement.NOT_APPLICABLE:
        raise ProcedureError("step.not_applicable", _("This step was set not applicable."))
    if step.status not in (StepStatus.OPEN, StepStatus.RETURNED):
        raise ProcedureError(
            "step.wrong_status",
            _("This step is “%(status)s”; only an open or returned step can be changed.")
            % {"status": StepStatus(step.status).label},
        )


def clean_step_details(kind: StepKind, raw: dict) -> dict:
    """Check each core field's type; returns JSON-ready values (dates as ISO strings)."""
    cleaned = {}
    for spec in STEP_SPECS[kind].fields:
        value = raw.get(spec.name)
        if value in (None, ""):
            cleaned[spec.name] = False if spec.kind == "bool" else None
            continue
        cleaned[spec.name] = _clean_value(spec, value)
    return cleaned


def _clean_value(spec: DetailField, value):
    invalid = ProcedureError("step.field_invalid", _("“%(field)s” is not valid.") % {"field": spec.label})
    if spec.kind == "date":
        parsed = value if isinstance(value, date) else parse_date(str(value))
        if parsed is None:
            raise invalid
        return parsed.isoformat()
    if spec.kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise invalid from None
        if number < 0:
            raise invalid
        return number
    if spec.kind == "bool":
        return bool(value)
    if spec.kind == "choice":
        if value not in {choice for choice, _label in spec.choices}:
            raise invalid
        return value
    if spec.kind == "organization":
        organization_id = getattr(value, "pk", value)
        # Only an independent body is named as the one that assessed (rule 6 compares it with the evaluator).
        independent = (Organization.Kind.THIRD_PARTY, Organization.Kind.EXPERT_INSTITUTION)
        if not Organization.objects.filter(pk=organization_id, kind__in=independent).exists():
            raise invalid
        return int(organization_id)
    return str(value).strip()


# (start, end) pairs of a step's record: an end before its start is refused when saved, not only at submission.
# (start, end, whether the end must fall after the start rather than on or after it, the refusal).
PERIODS = (
    ("comment_start", "comment_end", True, gettext_lazy("The comment period must end after it starts.")),
    (
        "materials_sent_on",
        "hearing_date",
        False,
        gettext_lazy("The hearing materials are sent before the hearing, not after it."),
    ),
)


def period_order_refusal(details: dict) -> ProcedureError | None:
    for start_name, end_name, strictly_after, message in PERIODS:
        start, end = details.get(start_name), details.get(end_name)
        if not (start and end):
            continue
        days = (parse_date(end) - parse_date(start)).days
        if days < 0 or (strictly_after and days == 0):
            return ProcedureError("step.period_order", message, fields=(end_name,))
    return None


@transaction.atomic
def update_step_details(*, step: Step, actor: User, details: dict) -> Step:
    decision, step = lock_step(step)
    _ensure_unit_step_workable(decision, step, actor)
    cleaned = clean_step_details(StepKind(step.kind), details)
    refusal = period_order_refusal(step.details | cleaned)
    if refusal is not None:
        raise refusal
    before = {key: step.details.get(key) for key in cleaned if step.details.get(key) != cleaned[key]}
    step.details = step.details | cleaned
    save_step(step, actor)
    record_event(
        actor=actor,
        action="step.details_updated",
        role=acting_role(actor, Action.WORK_ON_STEP, decision),
        obj=step,
        decision_id=decision.pk,
        before=before,
        after={key: cleaned[key] for key in before},
    )
    return step


def _submission_refusal(decision: Decision, step: Step) -> ProcedureError | None:
    """What the step still lacks before it can be submitted: its core fields, its documents, the numbers."""
    spec = STEP_SPECS[StepKind(step.kind)]
    missing = [
        str(field.label)
        for field in spec.fields
        if field.required and field.kind != "bool" and step.details.get(field.name) in (None, "")
    ]
    if missing:
        return ProcedureError("step.incomplete", _("Fill in: %(fields)s.") % {"fields": "、".join(missing)})
    if spec.needs_document and not step.documents.exists():
        return ProcedureError("step.no_document", _("Attach the step's document (report, record or opinions) first."))
    details = step.details
    refusal = period_order_refusal(details)
    if refusal is not None:
        return refusal
    if step.kind == StepKind.RISK_ASSESSMENT:
        # Art. 24: refused here already, not only when legality review is requested (the guard checks it again).
        blocking = latest_blocking_risk(completed_risk_assessments(decision, before_round=step.round))
        refusal = reassessment_refusal(blocking, latest_draft(decision)) if blocking else None
        if refusal is not None:
            return refusal
    if step.kind == StepKind.PUBLIC_PARTICIPATION:
        return _comment_period_refusal(decision, details)
    if step.kind == StepKind.HEARING:
        hearing, sent = parse_date(details["hearing_date"]), parse_date(details["materials_sent_on"])
        if hearing > timezone.localdate():
            return ProcedureError(
                "hearing.not_held",
                _("The hearing is on %(date)s; its record is submitted after it is held.")
                % {"date": hearing.isoformat()},
            )
        notice_days = profile_for(decision.organ).min_hearing_notice_days
        if sent > hearing - timedelta(days=notice_days):
            return ProcedureError(
                "hearing.materials_late",
                _(
                    "Decree 713 Art. 16: hearing materials reach participants at least %(days)s days before the "
                    "hearing (by %(date)s)."
                )
                % {"days": notice_days, "date": (hearing - timedelta(days=notice_days)).isoformat()},
            )
        unmet = [str(field.label) for field in spec.fields if field.kind == "bool" and not details.get(field.name)]
        if unmet:
            return ProcedureError(
                "hearing.incomplete",
                _("Decree 713 Art. 16–17: not yet done: %(items)s.") % {"items": "、".join(unmet)},
            )
    if step.kind == StepKind.EXPERT_REVIEW and not details.get("conflicts_declared"):
        return ProcedureError(
            "expert.conflicts",
            _("Decree 713 Art. 20: experts with a direct interest are never chosen; every expert must declare it."),
        )
    return None


def _comment_period_refusal(decision: Decision, details: dict) -> ProcedureError | None:
    """Rule 3: at least the profile's days (30 under Decree 713), start day not counted, ending on a working day."""
    start, end = parse_date(details["comment_start"]), parse_date(details["comment_end"])
    if end >= timezone.localdate():
        # Art. 18: opinions are studied and answered once the consultation has closed.
        return ProcedureError(
            "rule3.still_open",
            _("The comment period runs until %(end)s; the step is submitted after it has closed.")
            % {"end": end.isoformat()},
        )
    # The minimum in force when the consultation opened (stored on the step), else the organ's current one.
    minimum_days = details.get("minimum_comment_days") or profile_for(decision.organ).min_comment_days
    earliest_end = period_end(start, minimum_days)
    if end < earliest_end.value and not (details.get("short_period_reason") or "").strip():
        return ProcedureError(
            "rule3.period_too_short",
            _(
                "Rule 3: a public comment period lasts at least %(days)s days; from %(start)s it ends no earlier than "
                "%(end)s. A shorter period needs a published reason."
            )
            % {"days": minimum_days, "start": start.isoformat(), "end": earliest_end.value.isoformat()},
        )
    return None


@transaction.atomic
def submit_step(*, step: Step, actor: User) -> Step:
    """The drafter submits a filled-in step to the unit's head."""
    decision, step = lock_step(step)
    _ensure_submittable(decision, step, actor)
    previous = step.status
    move_step(step, "submit")
    step.submitted_at, step.submitted_by = timezone.now(), actor
    if step.kind == StepKind.RISK_ASSESSMENT:  # Art. 24: what the rules read, and the draft it assessed
        blocking = step.details.get("risk_level") == RiskLevel.HIGH and not step.details.get("controllable")
        step.outcome = RiskFinding.BLOCKING if blocking else RiskFinding.ACCEPTABLE
        step.draft = latest_draft(decision)
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
    if decision.status not in STEP_WORK_STATES[StepKind(step.kind)]:
        raise ProcedureError(
            "step.wrong_state",
            _("“%(step)s” cannot be approved while the decision is “%(state)s”.")
            % {"step": StepKind(step.kind).label, "state": State(decision.status).label},
        )


@transaction.atomic
def approve_step(*, step: Step, actor: User, comment: str = "") -> Step:
    """The unit's head approves a submitted step, which completes it (two-person rule: not their own)."""
    decision, step = lock_step(step)
    _ensure_reviewable(decision, step, actor)
    now = timezone.now()
    move_step(step, "approve")
    step.reviewed_at = step.completed_at = now
    step.reviewed_by = step.completed_by = actor
    step.review_comment = comment.strip()
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
    if decision.status != State.DRAFTING or step.kind not in UNIT_RUN_STEPS or step.status != StepStatus.DONE:
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
        "upload": refusal_of(ensure_can_upload, decision, user),
    }
