"""Every change of a decision, its steps and its documents (DESIGN.md §4).

Each public function is one transaction: lock the decision (`select_for_update`), check permission, state and the
ordering rules, make the change, write one ledger event, queue side effects with `transaction.on_commit`. Every
refusal raises `ProcedureError(code, message)` and changes nothing.
"""

from datetime import date, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.errors import ProcedureError
from accounts.models import Organization, User
from accounts.permissions import Action, can
from review.workdays import add_working_days, period_end

from .fields import status_unlocked
from .guards import first_failing_guard
from .models import Decision, Document, ProcedureProfile, Step
from .procedure import (
    ALL_STEPS,
    DRAFTING_STEPS,
    PRE_DISCUSSION_STEPS,
    EDITABLE_STATES,
    PUBLIC_STATES,
    STEP_SPECS,
    TRANSITIONS,
    UNIT_RUN_STEPS,
    DetailField,
    Requirement,
    State,
    StepKind,
    StepStatus,
    Transition,
    derive_requirement,
)
from .selectors import current_steps
from .uploads import check_upload

# The portal caches its list of published decisions; a change of public state clears it after commit.
PUBLIC_LIST_CACHE_KEY = "portal:published-decisions"

ALWAYS_REQUIRED_STEPS = (StepKind.LEGALITY_REVIEW, StepKind.COLLECTIVE_DISCUSSION, StepKind.EXECUTION)
LEGALITY_OPINIONS = ("lawful", "lawful_with_changes", "unlawful", "exploratory_reform", "returned")
MEMBER_VIEWS = ("agree", "disagree", "abstain")
MEETING_OUTCOMES = ("adopted", "rejected", "deferred")
EVALUATION_CONCLUSIONS = ("continue", "adjust", "stop")

# Which decision states let the unit work on each step it runs.
STEP_WORK_STATES = {
    **{kind: {State.DRAFTING} for kind in DRAFTING_STEPS},
    StepKind.PARTY_REPORT: {State.DRAFTING, State.LEGALITY_REVIEW, State.AWAITING_DISCUSSION},
    StepKind.CONGRESS_REPORT: {State.DRAFTING, State.LEGALITY_REVIEW, State.AWAITING_DISCUSSION, State.DECIDED},
}


# ---------------------------------------------------------------- helpers


def profile_for(organ: Organization) -> ProcedureProfile:
    """The organ's procedure profile, or Decree 713's defaults when the organ has none."""
    try:
        return organ.procedure_profile
    except ProcedureProfile.DoesNotExist:
        return ProcedureProfile(organ=organ)


def _ensure(user: User, action: Action, obj) -> None:
    verdict = can(user, action, obj)
    if not verdict:
        raise ProcedureError.from_verdict(verdict)


def _lock(decision: Decision) -> Decision:
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    return locked


def _lock_step(step: Step) -> tuple[Decision, Step]:
    decision = _lock(step.decision)
    return decision, Step.objects.select_for_update().select_related("decision").get(pk=step.pk)


def _require_text(value: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ProcedureError(code, message)
    return value


def _state_refusal(decision: Decision, transition: Transition) -> ProcedureError | None:
    if decision.status not in transition.sources:
        return ProcedureError(
            "procedure.wrong_state",
            _("“%(action)s” is not possible while the decision is “%(state)s”.")
            % {"action": transition.label, "state": State(decision.status).label},
        )
    return None


def transition_refusal(decision: Decision, name: str, user: User, steps=None) -> ProcedureError | None:
    """Why `user` may not make transition `name` now (None when they may): permission, state, ordering rules."""
    transition = TRANSITIONS[name]
    verdict = can(user, transition.action, decision)
    if not verdict:
        return ProcedureError.from_verdict(verdict)
    return _state_refusal(decision, transition) or first_failing_guard(decision, transition.guards, steps)


def _check(decision: Decision, name: str, actor: User) -> Transition:
    refusal = transition_refusal(decision, name, actor)
    if refusal is not None:
        raise refusal
    return TRANSITIONS[name]


def _move(decision: Decision, target: State, *, actor: User, transition: Transition, reason: str = "",
          after: dict | None = None, before: dict | None = None) -> None:
    """Set the new status and write the transition's one ledger event."""
    previous = decision.status
    with status_unlocked(decision):
        decision.status = target
    decision.status_changed_at = timezone.now()
    decision._history_user = actor
    decision.save()
    record_event(
        actor=actor,
        action=f"decision.{transition.name}",
        obj=decision,
        decision_id=decision.pk,
        before={"status": previous, **(before or {})},
        after={"status": target.value, **(after or {})},
        reason=reason,
    )
    if previous in PUBLIC_STATES or target in PUBLIC_STATES:
        transaction.on_commit(lambda: cache.delete(PUBLIC_LIST_CACHE_KEY))


def _save_step(step: Step, actor: User) -> None:
    step._history_user = actor
    step.save()


def _new_round(step: Step, *, status: StepStatus, actor: User | None = None) -> Step:
    """The next round of a step kind (a returned legality review, a deferred meeting, an adjustment)."""
    successor = Step(
        decision=step.decision,
        kind=step.kind,
        round=step.round + 1,
        adjustment_round=step.decision.adjustment_round,
        requirement=step.requirement,
        status=status,
        opened_at=timezone.now() if status == StepStatus.OPEN else None,
    )
    successor._history_user = actor
    successor.save()
    return successor


def _set_aside_unused_optional_steps(decision: Decision, actor: User, kinds) -> list[str]:
    """Optional steps nobody took up are marked not applicable when the procedure moves past them, so no step
    stays open in a decision that has left the state in which it could be worked on."""
    set_aside = []
    for kind, step in current_steps(decision).items():
        if kind in kinds and step.requirement == Requirement.OPTIONAL \
                and step.status in (StepStatus.PENDING, StepStatus.OPEN, StepStatus.RETURNED):
            step.requirement, step.status = Requirement.NOT_APPLICABLE, StepStatus.PENDING
            step.not_applicable_reason = _("Optional step not used.")
            _save_step(step, actor)
            set_aside.append(kind)
    return set_aside


def _open(step: Step, actor: User) -> None:
    step.status = StepStatus.OPEN
    step.opened_at = timezone.now()
    _save_step(step, actor)


# ---------------------------------------------------------------- decisions


DECISION_FIELDS = (
    "title", "summary", "year", "scope_category", "affects_public_interest", "is_technical", "has_stability_risk",
    "affects_market_entities", "touches_other_departments", "requires_hearing", "in_congress_report_list",
    "is_confidential", "confidential_reason", "term_end",
)


def _validate_decision_fields(fields: dict) -> None:
    if not (fields.get("title") or "").strip():
        raise ProcedureError("decision.title", _("A decision needs a title."))
    if fields.get("is_confidential") and not (fields.get("confidential_reason") or "").strip():
        raise ProcedureError(
            "decision.confidential_reason", _("A lawfully confidential decision needs its legal basis for confidentiality.")
        )
    if fields.get("scope_category") not in Decision.ScopeCategory.values:
        raise ProcedureError("decision.scope", _("Choose the decision's scope under Decree 713 Art. 3."))


@transaction.atomic
def create_decision(*, actor: User, undertaking_unit: Organization | None = None, **fields) -> Decision:
    """A drafter proposes a decision for their unit; every step row is created with its derived requirement."""
    _ensure(actor, Action.CREATE_DECISION, None)
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields: {sorted(unknown)}")
    _validate_decision_fields(fields)
    unit = undertaking_unit or actor.organization
    if unit.pk not in actor.organization.descendant_ids():
        raise ProcedureError("permission.scope", _("You can propose decisions only for your own unit."))
    organ = unit.organ
    decision = Decision(organ=organ, undertaking_unit=unit, created_by=actor, **fields)
    decision.year = decision.year or timezone.localdate().year
    decision.full_clean(exclude=["number"])
    for attempt in range(5):
        sequence = Decision.objects.filter(organ=organ, year=decision.year).count() + 1 + attempt
        decision.number = f"{decision.year}-{sequence:03d}"
        try:
            with transaction.atomic():
                decision._history_user = actor
                decision.save()
            break
        except IntegrityError:
            decision.pk = None
            continue
    else:  # pragma: no cover - five concurrent creations in one organ and year
        raise ProcedureError("decision.number", _("Could not number the decision; try again."))
    profile = profile_for(organ)
    for kind in ALL_STEPS:
        step = Step(decision=decision, kind=kind, requirement=derive_requirement(kind, decision, profile.default_required))
        if step.requirement == Requirement.NOT_APPLICABLE:
            step.not_applicable_reason = _("Lawfully confidential.")
        _save_step(step, actor)
    record_event(
        actor=actor, action="decision.created", obj=decision, decision_id=decision.pk,
        after={"status": decision.status, "title": decision.title, "number": decision.number},
    )
    return decision


@transaction.atomic
def update_decision(*, decision: Decision, actor: User, **fields) -> Decision:
    """Edit a decision's data while it is proposed, cataloged or drafting; step requirements follow its flags."""
    decision = _lock(decision)
    _ensure(actor, Action.EDIT_DECISION, decision)
    if decision.status not in EDITABLE_STATES:
        raise ProcedureError(
            "decision.not_editable",
            _("A decision that is “%(state)s” can no longer be edited; changes go through the adjustment procedure.")
            % {"state": State(decision.status).label},
        )
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields: {sorted(unknown)}")
    merged = {name: getattr(decision, name) for name in DECISION_FIELDS} | fields
    _validate_decision_fields(merged)
    before = {name: getattr(decision, name) for name in fields if getattr(decision, name) != fields[name]}
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.full_clean()
    decision._history_user = actor
    decision.save()
    changed_requirements = _rederive_requirements(decision, actor)
    record_event(
        actor=actor, action="decision.updated", obj=decision, decision_id=decision.pk,
        before=before, after={name: fields[name] for name in before} | {"requirements": changed_requirements},
    )
    return decision


def _rederive_requirements(decision: Decision, actor: User) -> dict[str, str]:
    profile = profile_for(decision.organ)
    changed = {}
    for step in current_steps(decision).values():
        if step.status == StepStatus.DONE or step.not_applicable_confirmed_by_id:
            continue
        derived = derive_requirement(StepKind(step.kind), decision, profile.default_required)
        # A drafter's own "not applicable" on an optional step stands while the step stays optional.
        if step.requirement == Requirement.NOT_APPLICABLE and derived == Requirement.OPTIONAL \
                and step.not_applicable_reason:
            continue
        if derived != step.requirement:
            step.requirement = derived
            if derived != Requirement.NOT_APPLICABLE:
                step.not_applicable_reason = ""
                step.not_applicable_proposed_by = None
            _save_step(step, actor)
            changed[step.kind] = derived.value
    return changed


@transaction.atomic
def catalog_decision(*, decision: Decision, actor: User) -> Decision:
    """The government office enters the proposal in the annual catalog (Art. 3; deepened by the catalog app)."""
    decision = _lock(decision)
    transition = _check(decision, "catalog", actor)
    _move(decision, State.CATALOGED, actor=actor, transition=transition)
    return decision


@transaction.atomic
def withdraw_decision(*, decision: Decision, actor: User, reason: str) -> Decision:
    decision = _lock(decision)
    transition = _check(decision, "withdraw", actor)
    reason = _require_text(reason, "procedure.reason_required", _("Withdrawing a decision needs a reason."))
    _move(decision, State.WITHDRAWN, actor=actor, transition=transition, reason=reason)
    return decision


@transaction.atomic
def start_drafting(*, decision: Decision, actor: User) -> Decision:
    """Start the procedure (Art. 10–11): the undertaking unit's steps open."""
    decision = _lock(decision)
    transition = _check(decision, "start_drafting", actor)
    opened = _open_drafting_steps(decision, actor)
    _move(decision, State.DRAFTING, actor=actor, transition=transition, after={"opened_steps": opened})
    return decision


def _open_drafting_steps(decision: Decision, actor: User) -> list[str]:
    opened = []
    for kind, step in current_steps(decision).items():
        if kind in DRAFTING_STEPS and step.status == StepStatus.PENDING \
                and step.requirement != Requirement.NOT_APPLICABLE:
            _open(step, actor)
            opened.append(kind)
    return opened


# ---------------------------------------------------------------- legality review (Art. 25–28)


@transaction.atomic
def request_legality_review(
    *, decision: Decision, actor: User, legal_basis: str, procedure_statement: str,
    review_working_days: int | None = None, urgency_reason: str = "",
) -> Step:
    """Rule 1 and 2: every required pre-discussion step done; the reviewer gets at least the profile's working days
    (7 under Decree 713) unless a written urgency reason is given, which is flagged in every report."""
    decision = _lock(decision)
    transition = _check(decision, "request_legality_review", actor)
    legal_basis = _require_text(legal_basis, "rule2.materials", _(
        "Decree 713 Art. 26: the request must state the legal basis."))
    procedure_statement = _require_text(procedure_statement, "rule2.materials", _(
        "Decree 713 Art. 26: the request must state the procedures followed."))
    minimum = profile_for(decision.organ).min_review_working_days
    days = review_working_days or minimum
    if days < 1:
        raise ProcedureError("rule2.period", _("The review period must be at least one working day."))
    urgency_reason = (urgency_reason or "").strip()
    if days < minimum and not urgency_reason:
        raise ProcedureError(
            "rule2.period_too_short",
            _("Rule 2: the legality reviewer gets at least %(min)s working days; %(days)s needs a written urgency "
              "reason.") % {"min": minimum, "days": days},
        )
    step = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    due = add_working_days(timezone.localdate(), days)
    step.status = StepStatus.SUBMITTED
    step.opened_at = step.submitted_at = timezone.now()
    step.submitted_by = actor
    step.due_on, step.due_is_provisional = due.value, due.provisional
    step.details = {
        "legal_basis": legal_basis,
        "procedure_statement": procedure_statement,
        "review_working_days": days,
        "urgency_reason": urgency_reason,
        "shortened": days < minimum,
    }
    _save_step(step, actor)
    set_aside = _set_aside_unused_optional_steps(decision, actor, PRE_DISCUSSION_STEPS)
    _move(decision, State.LEGALITY_REVIEW, actor=actor, transition=transition, reason=urgency_reason,
          after={"review_working_days": days, "due_on": due.value, "due_is_provisional": due.provisional,
                 "shortened": days < minimum, "optional_steps_not_used": set_aside})
    return step


@transaction.atomic
def give_legality_opinion(
    *, decision: Decision, actor: User, opinion: str, opinion_text: str, legal_risk: str = "",
    required_changes: str = "", advisers_consulted: str = "",
) -> Step:
    """The legal office's opinion (Art. 27–28): lawful or exploratory reform (with its legal risk stated) sends the
    decision to discussion; lawful with changes waits for the changes; unlawful or returned sends it back."""
    decision = _lock(decision)
    transition = _check(decision, "give_legality_opinion", actor)
    step = Step.objects.select_for_update().get(pk=current_steps(decision)[StepKind.LEGALITY_REVIEW].pk)
    _ensure(actor, Action.GIVE_LEGALITY_OPINION, step)  # two-person rule against the requester
    if opinion not in LEGALITY_OPINIONS:
        raise ProcedureError("legality.opinion", _("Choose one of the legality review opinions."))
    opinion_text = _require_text(opinion_text, "legality.opinion_text", _("Write the review opinion."))
    if opinion == "exploratory_reform" and not legal_risk.strip():
        raise ProcedureError(
            "legality.legal_risk", _("Decree 713 Art. 25: an exploratory reform goes to discussion only with its legal risk stated.")
        )
    if opinion == "lawful_with_changes" and not required_changes.strip():
        raise ProcedureError("legality.changes", _("State the changes the draft needs."))
    now = timezone.now()
    step.details = step.details | {
        "opinion": opinion, "opinion_text": opinion_text, "legal_risk": legal_risk.strip(),
        "required_changes": required_changes.strip(), "advisers_consulted": advisers_consulted.strip(),
    }
    step.reviewed_at, step.reviewed_by = now, actor
    after = {"opinion": opinion}
    if opinion in ("lawful", "exploratory_reform"):
        step.status, step.completed_at, step.completed_by = StepStatus.DONE, now, actor
        _save_step(step, actor)
        _open(current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION], actor)
        _move(decision, State.AWAITING_DISCUSSION, actor=actor, transition=transition, after=after)
    elif opinion == "lawful_with_changes":
        step.status = StepStatus.APPROVED
        _save_step(step, actor)
        record_event(actor=actor, action="decision.give_legality_opinion", obj=decision, decision_id=decision.pk,
                     before={"status": decision.status}, after={"status": decision.status, **after},
                     reason=required_changes)
    else:  # unlawful, or returned for more material: back to drafting, a new review round awaits
        step.status = StepStatus.RETURNED
        _save_step(step, actor)
        _new_round(step, status=StepStatus.PENDING, actor=actor)
        _move(decision, State.DRAFTING, actor=actor, transition=transition, after=after, reason=opinion_text)
    return step


@transaction.atomic
def confirm_legality_changes(*, decision: Decision, actor: User, comment: str = "") -> Step:
    """Rule 1: a "lawful with changes" opinion lets the decision go to discussion once the changes are confirmed."""
    decision = _lock(decision)
    transition = _check(decision, "confirm_legality_changes", actor)
    step = Step.objects.select_for_update().get(pk=current_steps(decision)[StepKind.LEGALITY_REVIEW].pk)
    _ensure(actor, Action.GIVE_LEGALITY_OPINION, step)
    if not decision.documents.filter(kind=Document.Kind.DRAFT, uploaded_at__gt=step.reviewed_at).exists():
        raise ProcedureError(
            "legality.no_revised_draft", _("Upload the revised draft before the changes can be confirmed.")
        )
    now = timezone.now()
    step.status, step.completed_at, step.completed_by = StepStatus.DONE, now, actor
    step.details = step.details | {"changes_confirmed_at": now.isoformat(), "confirmation_comment": comment.strip()}
    _save_step(step, actor)
    _open(current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION], actor)
    _move(decision, State.AWAITING_DISCUSSION, actor=actor, transition=transition, reason=comment)
    return step


# ---------------------------------------------------------------- collective decision (Art. 30–31)


def parse_member_views(text: str) -> list[dict]:
    """Members' views, one per line: "name | agree/disagree/abstain | remarks" (同意/不同意/弃权 accepted too)."""
    aliases = {"同意": "agree", "不同意": "disagree", "反对": "disagree", "弃权": "abstain"}
    members = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.replace("｜", "|").split("|")]
        view = aliases.get(parts[1], parts[1].lower()) if len(parts) > 1 else ""
        if len(parts) < 2 or not parts[0] or view not in MEMBER_VIEWS:
            raise ProcedureError(
                "meeting.member_line",
                _("Line %(line)s of the members' views should read “name | agree, disagree or abstain | remarks”.")
                % {"line": number},
            )
        members.append({"name": parts[0], "view": view, "remarks": parts[2] if len(parts) > 2 else ""})
    return members


@transaction.atomic
def record_collective_decision(
    *, decision: Decision, actor: User, meeting_name: str, meeting_date: date, members: list[dict],
    head_name: str, head_statement: str, outcome: str, head_departure_reason: str = "",
) -> Step:
    """Rule 4, Art. 30: every member's view in order, the head speaks last and decides; a decision against the
    majority carries the head's reason; dissent is kept (it reduces liability under Art. 38)."""
    decision = _lock(decision)
    transition = _check(decision, "record_collective_decision", actor)
    meeting_name = _require_text(meeting_name, "meeting.name", _("Name the meeting (e.g. the executive meeting)."))
    head_name = _require_text(head_name, "meeting.head", _("Record who presided and decided (the head)."))
    head_statement = _require_text(head_statement, "meeting.head_statement", _("Record the head's concluding view."))
    if meeting_date is None or meeting_date > timezone.localdate():
        raise ProcedureError("meeting.date", _("The meeting date must be given and cannot be in the future."))
    if not members:
        raise ProcedureError("meeting.members", _("Record every member's view; the list is empty."))
    if outcome not in MEETING_OUTCOMES:
        raise ProcedureError("meeting.outcome", _("Choose the outcome: adopted, rejected or deferred."))
    agree = sum(1 for member in members if member["view"] == "agree")
    disagree = sum(1 for member in members if member["view"] == "disagree")
    majority = "adopted" if agree > disagree else ("rejected" if disagree > agree else "")
    departs = outcome in ("adopted", "rejected") and majority and outcome != majority
    if departs and not head_departure_reason.strip():
        raise ProcedureError(
            "meeting.departure_reason",
            _("Rule 4 (Decree 713 Art. 30): the head's decision differs from the majority of members; state the "
              "reason."),
        )
    steps = current_steps(decision)
    step = steps[StepKind.COLLECTIVE_DISCUSSION]
    now = timezone.now()
    step.details = {
        "meeting_name": meeting_name, "meeting_date": meeting_date.isoformat(), "members": members,
        "head_name": head_name, "head_statement": head_statement, "outcome": outcome,
        "majority": majority, "head_departed_from_majority": bool(departs),
        "head_departure_reason": head_departure_reason.strip(),
        "dissenters": [member["name"] for member in members if member["view"] == "disagree"],
    }
    step.submitted_at = step.completed_at = now
    step.submitted_by = step.completed_by = actor
    after = {"outcome": outcome, "meeting_date": meeting_date}
    if outcome == "deferred":
        step.status = StepStatus.RETURNED
        _save_step(step, actor)
        _new_round(step, status=StepStatus.PENDING, actor=actor)
        _new_round(steps[StepKind.LEGALITY_REVIEW], status=StepStatus.PENDING, actor=actor)
        _move(decision, State.DRAFTING, actor=actor, transition=transition, after=after)
        return step
    step.status = StepStatus.DONE
    _save_step(step, actor)
    _set_aside_unused_optional_steps(decision, actor, (StepKind.PARTY_REPORT,))
    if outcome == "adopted":
        stopping = decision.adjustment_purpose == Decision.AdjustmentPurpose.STOP
        target = State.TERMINATED if stopping else State.DECIDED
        decision.decided_at = now
        if stopping:  # execution ends with the decision
            execution = steps[StepKind.EXECUTION]
            if execution.status == StepStatus.OPEN:
                execution.status, execution.completed_at, execution.completed_by = StepStatus.DONE, now, actor
                execution.details = execution.details | {"ended_by": "termination"}
                _save_step(execution, actor)
        if target == State.DECIDED and steps[StepKind.PUBLICATION].requirement != Requirement.NOT_APPLICABLE:
            _open(steps[StepKind.PUBLICATION], actor)
    else:
        # A rejected adjustment leaves the decision in force as it was; a rejected proposal ends here.
        target = State.IN_EXECUTION if decision.is_adjustment else State.REJECTED
    _move(decision, target, actor=actor, transition=transition, after=after)
    return step


# ---------------------------------------------------------------- publication and execution (Art. 32–35)


@transaction.atomic
def publish_decision(
    *, decision: Decision, actor: User, channels: str, published_on: date, link: str = "",
    opinions_explanation: str = "",
) -> Step:
    """Rule 5, Art. 32: publish a decided decision; explain how public and expert opinions were used."""
    decision = _lock(decision)
    transition = _check(decision, "publish", actor)
    channels = _require_text(channels, "publication.channels", _("Name the channels of publication."))
    if published_on is None:
        raise ProcedureError("publication.date", _("Give the date of publication."))
    steps = current_steps(decision)
    consulted = any(
        steps[kind].status == StepStatus.DONE for kind in (StepKind.PUBLIC_PARTICIPATION, StepKind.EXPERT_REVIEW)
    )
    if consulted and not opinions_explanation.strip():
        raise ProcedureError(
            "publication.explanation",
            _("Decree 713 Art. 32: explain how the public's and the experts' opinions were adopted."),
        )
    step = steps[StepKind.PUBLICATION]
    now = timezone.now()
    step.details = {"channels": channels, "published_on": published_on.isoformat(), "link": link.strip(),
                    "opinions_explanation": opinions_explanation.strip()}
    step.status, step.completed_at, step.completed_by = StepStatus.DONE, now, actor
    _save_step(step, actor)
    _set_aside_unused_optional_steps(decision, actor, (StepKind.CONGRESS_REPORT,))
    decision.published_at = now
    _move(decision, State.PUBLISHED, actor=actor, transition=transition, after={"published_on": published_on})
    return step


@transaction.atomic
def start_execution(*, decision: Decision, actor: User, execution_unit: Organization) -> Step:
    """Rule 5, Art. 34: the organ names the execution unit."""
    decision = _lock(decision)
    transition = _check(decision, "start_execution", actor)
    if execution_unit is None or execution_unit.organ != decision.organ:
        raise ProcedureError("execution.unit", _("Choose an execution unit of this decision organ."))
    step = current_steps(decision)[StepKind.EXECUTION]
    if step.status == StepStatus.DONE:
        step = _new_round(step, status=StepStatus.OPEN, actor=actor)
    step.details = step.details | {"execution_unit": execution_unit.name}
    _open(step, actor)
    _set_aside_unused_optional_steps(decision, actor, (StepKind.CONGRESS_REPORT,))
    decision.execution_unit = execution_unit
    decision.execution_started_at = timezone.now()
    _move(decision, State.IN_EXECUTION, actor=actor, transition=transition,
          after={"execution_unit": execution_unit.name})
    return step


@transaction.atomic
def report_execution(*, decision: Decision, actor: User, progress: str) -> Step:
    """Art. 34–35: the execution unit reports progress (and problems) to the organ."""
    decision = _lock(decision)
    _ensure(actor, Action.REPORT_EXECUTION, decision)
    if decision.status not in (State.IN_EXECUTION, State.EVALUATING, State.SUSPENDED):
        raise ProcedureError("execution.not_running", _("Progress can be reported only while the decision is executed."))
    progress = _require_text(progress, "execution.progress", _("Write the progress report."))
    step = Step.objects.select_for_update().get(pk=current_steps(decision)[StepKind.EXECUTION].pk)
    report = {"at": timezone.now().isoformat(), "by": str(actor), "progress": progress}
    step.details = step.details | {"reports": [*step.details.get("reports", []), report]}
    _save_step(step, actor)
    record_event(actor=actor, action="execution.reported", obj=step, decision_id=decision.pk, after=report)
    return step


@transaction.atomic
def suspend_decision(*, decision: Decision, actor: User, reason: str) -> Decision:
    """Rule 7, Art. 37: in an emergency the head suspends at once, with a reason; an adjustment must follow."""
    decision = _lock(decision)
    transition = _check(decision, "suspend", actor)
    reason = _require_text(reason, "procedure.reason_required", _("Suspending execution needs a reason."))
    _move(decision, State.SUSPENDED, actor=actor, transition=transition, reason=reason)
    return decision


@transaction.atomic
def start_adjustment(*, decision: Decision, actor: User, purpose: str, reason: str) -> Decision:
    """Rule 7, Art. 37: a published decision is changed or stopped only by running the procedure again."""
    decision = _lock(decision)
    transition = _check(decision, "start_adjustment", actor)
    if purpose not in (Decision.AdjustmentPurpose.CHANGE, Decision.AdjustmentPurpose.STOP):
        raise ProcedureError("adjustment.purpose", _("Say whether the adjustment changes or stops the decision."))
    reason = _require_text(reason, "procedure.reason_required", _("An adjustment needs a reason."))
    decision.adjustment_round += 1
    decision.adjustment_purpose = purpose
    profile = profile_for(decision.organ)
    for kind, step in current_steps(decision).items():
        if kind in (*DRAFTING_STEPS, StepKind.LEGALITY_REVIEW, StepKind.COLLECTIVE_DISCUSSION, StepKind.PUBLICATION):
            successor = _new_round(step, status=StepStatus.PENDING, actor=actor)
            successor.requirement = derive_requirement(StepKind(kind), decision, profile.default_required)
            successor.adjustment_round = decision.adjustment_round
            if kind in DRAFTING_STEPS and successor.requirement != Requirement.NOT_APPLICABLE:
                _open(successor, actor)
            else:
                _save_step(successor, actor)
    _move(decision, State.DRAFTING, actor=actor, transition=transition, reason=reason,
          after={"adjustment_round": decision.adjustment_round, "purpose": purpose})
    return decision


# ---------------------------------------------------------------- evaluation (Art. 36) and archive (Art. 33)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def start_evaluation(*, decision: Decision, actor: User, evaluator_org: Organization, staged: bool = False) -> Step:
    """Rule 6: no earlier than one year into execution, unless staged or the term has expired (then within six
    months of expiry); the evaluator must not be the body that did the pre-decision assessment."""
    decision = _lock(decision)
    transition = _check(decision, "start_evaluation", actor)
    if evaluator_org is None:
        raise ProcedureError("evaluation.evaluator", _("Choose the evaluation body."))
    today = timezone.localdate()
    started = timezone.localdate(decision.execution_started_at) if decision.execution_started_at else today
    one_year_in = _add_months(started, 12) <= today
    term_expired_recently = bool(decision.term_end and decision.term_end < today <= _add_months(decision.term_end, 6))
    if not (staged or one_year_in or term_expired_recently):
        raise ProcedureError(
            "rule6.too_early",
            _("Rule 6: third-party evaluation starts no earlier than one year into execution (on %(date)s), unless it "
              "is staged or the decision's term has expired.") % {"date": _add_months(started, 12).isoformat()},
        )
    steps = current_steps(decision)
    assessors = {
        str(step.details.get("assessing_org"))
        for step in decision.steps.all()
        if step.kind in (StepKind.RISK_ASSESSMENT, StepKind.EXPERT_REVIEW) and step.details.get("assessing_org")
    }
    if str(evaluator_org.pk) in assessors:
        raise ProcedureError(
            "rule6.not_independent",
            _("Rule 6 (Decree 713 Art. 36): %(org)s did this decision's pre-decision assessment and cannot evaluate it.")
            % {"org": evaluator_org.name},
        )
    step = steps[StepKind.POST_EVALUATION]
    if step.status != StepStatus.PENDING:
        step = _new_round(step, status=StepStatus.PENDING, actor=actor)
    step.details = {"evaluator": evaluator_org.name, "staged": staged}
    _open(step, actor)
    decision.evaluator_org = evaluator_org
    _move(decision, State.EVALUATING, actor=actor, transition=transition,
          after={"evaluator": evaluator_org.name, "staged": staged})
    return step


@transaction.atomic
def complete_evaluation(*, decision: Decision, actor: User, conclusion: str, summary: str) -> Step:
    """Art. 36: the evaluator's report and conclusion (continue, adjust or stop) — a basis for the organ, which
    adjusts or stops the decision only through the adjustment procedure (rule 7)."""
    decision = _lock(decision)
    transition = _check(decision, "complete_evaluation", actor)
    if conclusion not in EVALUATION_CONCLUSIONS:
        raise ProcedureError("evaluation.conclusion", _("Choose the conclusion: continue, adjust or stop."))
    summary = _require_text(summary, "evaluation.summary", _("Summarize the evaluation's findings."))
    step = current_steps(decision)[StepKind.POST_EVALUATION]
    if not step.documents.exists():
        raise ProcedureError("evaluation.report", _("Upload the evaluation report first."))
    now = timezone.now()
    step.details = step.details | {"conclusion": conclusion, "summary": summary}
    step.status, step.submitted_at, step.submitted_by = StepStatus.DONE, now, actor
    step.completed_at, step.completed_by = now, actor
    _save_step(step, actor)
    _move(decision, State.IN_EXECUTION, actor=actor, transition=transition, after={"conclusion": conclusion})
    return step


@transaction.atomic
def archive_decision(*, decision: Decision, actor: User, reason: str) -> Decision:
    """Art. 33: the whole record is archived; execution ends."""
    decision = _lock(decision)
    transition = _check(decision, "archive", actor)
    reason = _require_text(reason, "procedure.reason_required", _("Archiving needs a reason (e.g. execution completed)."))
    if decision.status == State.IN_EXECUTION:
        step = current_steps(decision)[StepKind.EXECUTION]
        step.status, step.completed_at, step.completed_by = StepStatus.DONE, timezone.now(), actor
        _save_step(step, actor)
    _move(decision, State.ARCHIVED, actor=actor, transition=transition, reason=reason)
    return decision


# ---------------------------------------------------------------- steps run by the undertaking unit


def _ensure_unit_step_workable(decision: Decision, step: Step, actor: User) -> None:
    _ensure(actor, Action.WORK_ON_STEP, decision)
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
        if not Organization.objects.filter(pk=organization_id).exists():
            raise invalid
        return int(organization_id)
    return str(value).strip()


@transaction.atomic
def update_step_details(*, step: Step, actor: User, details: dict) -> Step:
    decision, step = _lock_step(step)
    _ensure_unit_step_workable(decision, step, actor)
    cleaned = clean_step_details(StepKind(step.kind), details)
    before = {key: step.details.get(key) for key in cleaned if step.details.get(key) != cleaned[key]}
    step.details = step.details | cleaned
    _save_step(step, actor)
    record_event(actor=actor, action="step.details_updated", obj=step, decision_id=decision.pk, before=before,
                 after={key: cleaned[key] for key in before})
    return step


def _submission_refusal(decision: Decision, step: Step) -> ProcedureError | None:
    """What the step still lacks before it can be submitted: its core fields, its documents, the numbers."""
    spec = STEP_SPECS[StepKind(step.kind)]
    missing = [str(field.label) for field in spec.fields
               if field.required and field.kind != "bool" and step.details.get(field.name) in (None, "")]
    if missing:
        return ProcedureError("step.incomplete", _("Fill in: %(fields)s.") % {"fields": "、".join(missing)})
    if spec.needs_document and not step.documents.exists():
        return ProcedureError("step.no_document", _("Attach the step's document (report, record or opinions) first."))
    details = step.details
    if step.kind == StepKind.PUBLIC_PARTICIPATION:
        return _comment_period_refusal(decision, details)
    if step.kind == StepKind.HEARING:
        hearing, sent = parse_date(details["hearing_date"]), parse_date(details["materials_sent_on"])
        if sent > hearing - timedelta(days=7):
            return ProcedureError(
                "hearing.materials_late",
                _("Decree 713 Art. 16: hearing materials reach participants at least 7 days before the hearing "
                  "(by %(date)s).") % {"date": (hearing - timedelta(days=7)).isoformat()},
            )
        unmet = [str(field.label) for field in spec.fields if field.kind == "bool" and not details.get(field.name)]
        if unmet:
            return ProcedureError("hearing.incomplete", _("Decree 713 Art. 16–17: not yet done: %(items)s.")
                                  % {"items": "、".join(unmet)})
    if step.kind == StepKind.EXPERT_REVIEW and not details.get("conflicts_declared"):
        return ProcedureError(
            "expert.conflicts",
            _("Decree 713 Art. 20: experts with a direct interest are never chosen; every expert must declare it."),
        )
    return None


def _comment_period_refusal(decision: Decision, details: dict) -> ProcedureError | None:
    """Rule 3: at least the profile's days (30 under Decree 713), start day not counted, ending on a working day."""
    start, end = parse_date(details["comment_start"]), parse_date(details["comment_end"])
    if end <= start:
        return ProcedureError("rule3.period", _("The comment period must end after it starts."))
    minimum_days = profile_for(decision.organ).min_comment_days
    earliest_end = period_end(start, minimum_days)
    if end < earliest_end.value and not (details.get("short_period_reason") or "").strip():
        return ProcedureError(
            "rule3.period_too_short",
            _("Rule 3: a public comment period lasts at least %(days)s days; from %(start)s it ends no earlier than "
              "%(end)s. A shorter period needs a published reason.")
            % {"days": minimum_days, "start": start.isoformat(), "end": earliest_end.value.isoformat()},
        )
    return None


@transaction.atomic
def submit_step(*, step: Step, actor: User) -> Step:
    """The drafter submits a filled-in step to the unit's head."""
    decision, step = _lock_step(step)
    _ensure_submittable(decision, step, actor)
    previous = step.status
    step.status, step.submitted_at, step.submitted_by = StepStatus.SUBMITTED, timezone.now(), actor
    _save_step(step, actor)
    record_event(actor=actor, action="step.submitted", obj=step, decision_id=decision.pk,
                 before={"status": previous}, after={"status": step.status})
    return step


def _ensure_reviewable(decision: Decision, step: Step, actor: User) -> None:
    _ensure(actor, Action.APPROVE_STEP, step)
    if step.status != StepStatus.SUBMITTED or step.kind not in UNIT_RUN_STEPS:
        raise ProcedureError("step.not_submitted", _("Only a submitted step can be approved or returned."))


@transaction.atomic
def approve_step(*, step: Step, actor: User, comment: str = "") -> Step:
    """The unit's head approves a submitted step, which completes it (two-person rule: not their own)."""
    decision, step = _lock_step(step)
    _ensure_reviewable(decision, step, actor)
    now = timezone.now()
    step.status = StepStatus.DONE
    step.reviewed_at = step.completed_at = now
    step.reviewed_by = step.completed_by = actor
    step.review_comment = comment.strip()
    _save_step(step, actor)
    record_event(actor=actor, action="step.approved", obj=step, decision_id=decision.pk,
                 before={"status": StepStatus.SUBMITTED}, after={"status": step.status}, reason=step.review_comment)
    return step


@transaction.atomic
def return_step(*, step: Step, actor: User, comment: str) -> Step:
    decision, step = _lock_step(step)
    _ensure_reviewable(decision, step, actor)
    comment = _require_text(comment, "step.comment_required", _("Returning a step needs a comment saying what to fix."))
    step.status, step.reviewed_at, step.reviewed_by, step.review_comment = StepStatus.RETURNED, timezone.now(), actor, comment
    _save_step(step, actor)
    record_event(actor=actor, action="step.returned", obj=step, decision_id=decision.pk,
                 before={"status": StepStatus.SUBMITTED}, after={"status": step.status}, reason=comment)
    return step


@transaction.atomic
def reopen_step(*, step: Step, actor: User, reason: str) -> Step:
    """A new round of a completed unit step while drafting (e.g. a new risk assessment after redrafting)."""
    decision, step = _lock_step(step)
    _ensure_reopenable(decision, step, actor)
    if current_steps(decision)[step.kind].pk != step.pk:
        raise ProcedureError("step.not_current", _("Only the latest round of a step can be redone."))
    reason = _require_text(reason, "procedure.reason_required", _("Redoing a step needs a reason."))
    successor = _new_round(step, status=StepStatus.OPEN, actor=actor)
    record_event(actor=actor, action="step.reopened", obj=successor, decision_id=decision.pk,
                 after={"round": successor.round}, reason=reason)
    return successor


@transaction.atomic
def propose_not_applicable(*, step: Step, actor: User, reason: str) -> Step:
    """An optional step is set not applicable with a reason; a required one needs the legal office's confirmation."""
    decision, step = _lock_step(step)
    _ensure_not_applicable_proposable(decision, step, actor)
    reason = _require_text(reason, "step.reason_required", _("Setting a step not applicable needs a written reason."))
    step.not_applicable_reason = reason
    step.not_applicable_proposed_by = actor
    if step.requirement == Requirement.OPTIONAL:
        step.requirement = Requirement.NOT_APPLICABLE
        action = "step.set_not_applicable"
    else:
        action = "step.not_applicable_proposed"
    _save_step(step, actor)
    record_event(actor=actor, action=action, obj=step, decision_id=decision.pk,
                 after={"requirement": step.requirement}, reason=reason)
    return step


@transaction.atomic
def confirm_not_applicable(*, step: Step, actor: User, confirm: bool, comment: str = "") -> Step:
    """The legal office confirms (or refuses) that a required step does not apply."""
    decision, step = _lock_step(step)
    _ensure_confirmable(decision, step, actor)
    if confirm:
        step.requirement = Requirement.NOT_APPLICABLE
        step.not_applicable_confirmed_by = actor
        action = "step.not_applicable_confirmed"
    else:
        comment = _require_text(comment, "step.comment_required", _("Refusing the proposal needs a comment."))
        step.not_applicable_proposed_by = None
        step.not_applicable_reason = ""
        action = "step.not_applicable_refused"
    _save_step(step, actor)
    record_event(actor=actor, action=action, obj=step, decision_id=decision.pk,
                 after={"requirement": step.requirement}, reason=comment)
    return step


# ---------------------------------------------------------------- documents

UPLOAD_ACTIONS = (Action.WORK_ON_STEP, Action.GIVE_LEGALITY_OPINION, Action.RECORD_COLLECTIVE_DECISION,
                  Action.PUBLISH, Action.COMPLETE_EVALUATION, Action.REPORT_EXECUTION)
CLOSED_STATES = (State.ARCHIVED, State.WITHDRAWN, State.REJECTED)


@transaction.atomic
def add_document(
    *, decision: Decision, actor: User, uploaded_file, kind: str, title: str, is_public: bool = False,
    step: Step | None = None,
) -> Document:
    """Keep a new document version (never overwritten): type, content and size checked; SHA-256 recorded."""
    decision = _lock(decision)
    _ensure_can_upload(decision, actor)
    if kind not in Document.Kind.values:
        raise ProcedureError("document.kind", _("Choose the kind of document."))
    title = _require_text(title, "document.title", _("Give the document a title."))
    if step is not None and step.decision_id != decision.pk:
        raise ProcedureError("document.step", _("That step belongs to another decision."))
    checked = check_upload(uploaded_file)
    version = (decision.documents.filter(kind=kind).order_by("-version").values_list("version", flat=True).first()
               or 0) + 1
    document = Document(
        decision=decision, step=step, kind=kind, title=title, version=version, original_name=uploaded_file.name[:255],
        content_type=checked.content_type, size=checked.size, sha256=checked.sha256, is_public=is_public,
        uploaded_by=actor,
    )
    document.file.save(f"upload.{checked.extension}", uploaded_file, save=False)
    stored_name = document.file.name
    try:  # the file is written before the row: if the row is refused, remove the file again
        document.save()
        record_event(actor=actor, action="document.uploaded", obj=document, decision_id=decision.pk,
                     after={"kind": kind, "version": version, "sha256": checked.sha256, "size": checked.size,
                            "step": step.kind if step else None, "public": is_public})
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    return document


# ---------------------------------------------------------------- what a user may do next (for pages and API)


def _refusal_of(check, *args) -> ProcedureError | None:
    try:
        check(*args)
    except ProcedureError as refusal:
        return refusal
    return None


def _ensure_reopenable(decision: Decision, step: Step, actor: User) -> None:
    _ensure(actor, Action.WORK_ON_STEP, decision)
    if decision.status != State.DRAFTING or step.kind not in UNIT_RUN_STEPS or step.status != StepStatus.DONE:
        raise ProcedureError("step.not_reopenable", _("Only a completed step of the unit can be redone, while drafting."))


def _ensure_confirmable(decision: Decision, step: Step, actor: User) -> None:
    _ensure(actor, Action.CONFIRM_NOT_APPLICABLE, step)
    if not step.awaits_not_applicable_confirmation:
        raise ProcedureError("step.no_proposal", _("No proposal to set this step not applicable awaits confirmation."))


def _ensure_submittable(decision: Decision, step: Step, actor: User) -> None:
    _ensure_unit_step_workable(decision, step, actor)
    refusal = _submission_refusal(decision, step)
    if refusal is not None:
        raise refusal


def _ensure_not_applicable_proposable(decision: Decision, step: Step, actor: User) -> None:
    _ensure(actor, Action.WORK_ON_STEP, decision)
    if step.kind in ALWAYS_REQUIRED_STEPS:  # before the unit-step check, which would refuse it less clearly
        raise ProcedureError("step.always_required", _("This step is required by law for every decision."))
    _ensure_unit_step_workable(decision, step, actor)


def _ensure_can_upload(decision: Decision, actor: User) -> None:
    verdicts = [can(actor, action, decision) for action in UPLOAD_ACTIONS]
    if not any(verdicts):
        # Say "another organization" when a role would allow it there, "your role" otherwise.
        scoped = [verdict for verdict in verdicts if verdict.code != "permission.role"]
        raise ProcedureError.from_verdict(scoped[0] if scoped else verdicts[0])
    if decision.status in CLOSED_STATES:
        raise ProcedureError("document.closed", _("The record of a closed decision cannot receive documents."))


def step_action_refusals(step: Step, user: User) -> dict[str, ProcedureError | None]:
    """For each action on a step, why the user may not take it now (None: they may)."""
    decision = step.decision
    return {
        "edit": _refusal_of(_ensure_unit_step_workable, decision, step, user),
        "submit": _refusal_of(_ensure_submittable, decision, step, user),
        "approve": _refusal_of(_ensure_reviewable, decision, step, user),
        "return": _refusal_of(_ensure_reviewable, decision, step, user),
        "propose_not_applicable": _refusal_of(_ensure_not_applicable_proposable, decision, step, user),
        "confirm_not_applicable": _refusal_of(_ensure_confirmable, decision, step, user),
        "reopen": _refusal_of(_ensure_reopenable, decision, step, user),
        "upload": _refusal_of(_ensure_can_upload, decision, user),
    }


def transition_options(decision: Decision, user: User) -> list[tuple[Transition, ProcedureError | None]]:
    """Every transition from the decision's current state, with the reason this user may not make it now."""
    steps = current_steps(decision)
    return [
        (transition, transition_refusal(decision, transition.name, user, steps))
        for transition in TRANSITIONS.values()
        if decision.status in transition.sources
    ]


# ---------------------------------------------------------------- procedure profiles

PROFILE_FIELDS = ("min_comment_days", "min_review_working_days", "default_required_steps", "reminder_days_before_due")


@transaction.atomic
def update_procedure_profile(*, organ: Organization, actor: User | None, **fields) -> ProcedureProfile:
    """The organ tightens Decree 713's numbers. A ledger event; periods already running keep their due dates
    (they are stored on the steps), so a change applies to what is opened afterwards."""
    if actor is not None:
        _ensure(actor, Action.EDIT_PROFILE, organ)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    if fields.get("min_comment_days") is not None and fields["min_comment_days"] < 30:
        raise ProcedureError("profile.comment_days", _("Decree 713 Art. 15: a comment period is at least 30 days."))
    if fields.get("min_review_working_days") is not None and fields["min_review_working_days"] < 7:
        raise ProcedureError(
            "profile.review_days", _("Decree 713 Art. 26: legality review gets at least 7 working days.")
        )
    unknown_steps = set(fields.get("default_required_steps") or []) - set(StepKind.values)
    if unknown_steps:
        raise ProcedureError("profile.steps", _("Unknown step kinds: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown_steps))})
    profile, _created = ProcedureProfile.objects.select_for_update().get_or_create(organ=organ)
    before = {name: getattr(profile, name) for name in fields}
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    record_event(actor=actor, action="profile.updated", obj=profile, before=before, after=fields)
    return profile
