"""The decision's own moves: proposal, catalog, drafting, publication, execution, adjustment, evaluation, archive."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import Organization, User
from workdays.calendar import using_calendar

from ..bounds import past_date_bounds, refuse_date_out_of_range, refuse_unstorable_text, refuse_year_out_of_range
from ..errors import ProcedureError
from ..models import Adjustment, Decision, Execution, Publication, Step
from ..permissions import Action, acting_role, can
from ..procedure import (
    ADJUSTMENT_ROUND_STEPS,
    ALL_STEPS,
    DRAFTING_STEPS,
    EDITABLE_STATES,
    AdjustmentPurpose,
    AdjustmentStage,
    Requirement,
    State,
    StepKind,
    StepStatus,
    derive_requirement,
)
from ..search import search_terms
from ..selectors import current_steps
from .base import (
    check_transition,
    close_unfinished_steps,
    end_adjustment,
    end_execution,
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
    set_aside_unused_optional_steps,
    set_not_applicable,
)
from .deadlines import apply_due_date, due_after_suspension, due_moves_after, set_adjustment_due, set_due_date

# The flags from which the step requirements are derived (procedure.derive_requirement).
DECISION_FLAGS = (
    "affects_public_interest",
    "is_technical",
    "has_stability_risk",
    "affects_market_entities",
    "touches_other_departments",
    "requires_hearing",
    "in_congress_report_list",
)
DECISION_FIELDS = (
    "title",
    "summary",
    "year",
    "scope_category",
    *DECISION_FLAGS,
    "is_confidential",
    "confidential_reason",
    "term_end",
)


def _check_decision_values(fields: dict) -> None:
    """The values sent (not yet the rules): text without NUL, the catalog year and the term's end within bounds."""
    refuse_unstorable_text(
        **{name: fields[name] for name in ("title", "summary", "confidential_reason") if name in fields}
    )
    if "year" in fields:
        refuse_year_out_of_range(fields["year"])
    if "term_end" in fields:
        refuse_date_out_of_range(fields["term_end"], "term_end")


def _validate_decision_fields(fields: dict) -> None:
    if not (fields.get("title") or "").strip():
        raise ProcedureError("decision.title", _("A decision needs a title."))
    if fields.get("is_confidential") and not (fields.get("confidential_reason") or "").strip():
        raise ProcedureError(
            "decision.confidential_reason",
            _("A lawfully confidential decision needs its legal basis for confidentiality."),
        )
    if fields.get("scope_category") not in Decision.ScopeCategory.values:
        raise ProcedureError("decision.scope", _("Choose the decision's scope under Decree 713 Art. 3."))


def _next_number(organ: Organization, year: int, skip: int = 0) -> str:
    """The organ's next decision number for the year, "2026-007" (a retry after a collision skips ahead)."""
    numbers = Decision.objects.filter(organ=organ, number__startswith=f"{year}-").values_list("number", flat=True)
    highest = max(
        (int(number.rsplit("-", 1)[1]) for number in numbers if number.rsplit("-", 1)[1].isdigit()), default=0
    )
    return f"{year}-{highest + 1 + skip:03d}"


@transaction.atomic
def create_decision(
    *, actor: User, undertaking_unit: Organization | None = None, catalog_reference: str = "", **fields
) -> Decision:
    """A drafter proposes a decision for their unit; every step row is created with its derived requirement.

    The inbound path of the catalog app: with `catalog_reference` (the catalog entry it comes from, e.g.
    "catalog 12 entry 3"), the government office of the unit's organ creates the decision of an entry it publishes
    in the organ's catalog (permission `Action.CATALOG` over the organ, not the drafter's `CREATE_DECISION`); the
    reference is kept in the ledger event."""
    if catalog_reference:
        if undertaking_unit is None or undertaking_unit.organ is None:
            raise ProcedureError("decision.unit", _("A catalog entry's decision needs its undertaking unit."))
        ensure_allowed(actor, Action.CATALOG, Decision(organ=undertaking_unit.organ, undertaking_unit=undertaking_unit))
    else:
        ensure_allowed(actor, Action.CREATE_DECISION, None)
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields: {sorted(unknown)}")
    _check_decision_values(fields)
    _validate_decision_fields(fields)
    unit = undertaking_unit or actor.organization
    if not catalog_reference and unit.pk not in actor.organization.descendant_ids():
        raise ProcedureError("permission.scope", _("You can propose decisions only for your own unit."))
    organ = unit.organ
    decision = Decision(organ=organ, undertaking_unit=unit, created_by=actor, **fields)
    decision.confidentiality_claimed_by = actor if decision.is_confidential else None
    decision.year = decision.year or timezone.localdate().year
    decision.full_clean(exclude=["number"])
    for attempt in range(5):
        decision.number = _next_number(organ, decision.year, skip=attempt)
        decision.search_text = search_terms(decision.title, decision.number, decision.summary)
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
        step = Step(
            decision=decision,
            kind=kind,
            requirement=derive_requirement(kind, decision, profile.default_required),
        )
        save_step(step, actor)
    record_event(
        actor=actor,
        action="decision.created",
        role=acting_role(actor, Action.CATALOG if catalog_reference else Action.CREATE_DECISION, decision),
        obj=decision,
        decision_id=decision.pk,
        after={"status": decision.status, "title": decision.title, "number": decision.number}
        | ({"catalog_reference": catalog_reference} if catalog_reference else {}),
    )
    return decision


def decision_edit_refusal(decision: Decision, user: User | None) -> ProcedureError | None:
    """Why `user` may not edit the decision's own data now (None: they may; `user` None: only the state's rule)."""
    if user is not None:
        verdict = can(user, Action.EDIT_DECISION, decision)
        if not verdict:
            return ProcedureError.from_verdict(verdict)
    if decision.status not in EDITABLE_STATES:  # also while an adjustment runs: the decision in force is not edited
        return ProcedureError(
            "decision.not_editable",
            _("A decision that is “%(state)s” can no longer be edited; changes go through the adjustment procedure.")
            % {"state": State(decision.status).label},
        )
    return None


@transaction.atomic
def update_decision(
    *,
    decision: Decision,
    actor: User,
    catalog_reference: str = "",
    undertaking_unit: Organization | None = None,
    **fields,
) -> Decision:
    """Edit a decision's data while it is proposed, cataloged or drafting; step requirements follow its flags.

    The catalog app's path: with `catalog_reference` (the published adjustment that changed the decision's entry,
    e.g. "catalog 12 entry 3 version 2"), the government office of the organ (`Action.CATALOG`) carries the entry's
    change into the decision, the undertaking unit too (a department of the same organ)."""
    decision = lock_decision(decision)
    if catalog_reference:
        ensure_allowed(actor, Action.CATALOG, decision)
        refusal = decision_edit_refusal(decision, None)
    else:
        if undertaking_unit is not None:
            raise TypeError("the undertaking unit changes only with the catalog")
        refusal = decision_edit_refusal(decision, actor)
    if refusal is not None:
        raise refusal
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields: {sorted(unknown)}")
    _check_decision_values(fields)
    merged = {name: getattr(decision, name) for name in DECISION_FIELDS} | fields
    _validate_decision_fields(merged)
    before = {name: getattr(decision, name) for name in fields if getattr(decision, name) != fields[name]}
    if "year" in before and decision.status != State.PROPOSED:
        raise ProcedureError("decision.year_fixed", _("The catalog year is fixed once the decision is in the catalog."))
    for name, value in fields.items():
        setattr(decision, name, value)
    if undertaking_unit is not None and undertaking_unit.pk != decision.undertaking_unit_id:
        if undertaking_unit.organ != decision.organ:
            raise ProcedureError("decision.unit", _("The undertaking unit must belong to the decision's organ."))
        before["undertaking_unit_id"] = decision.undertaking_unit_id
        decision.undertaking_unit = undertaking_unit
    if "year" in before:  # the number carries the year
        before["number"] = decision.number
        decision.number = _next_number(decision.organ, decision.year)
    if {"is_confidential", "confidential_reason"} & set(before):
        decision.confidentiality_confirmed_by = decision.confidentiality_confirmed_at = None  # to be confirmed again
        decision.confidentiality_claimed_by = actor if decision.is_confidential else None
    decision.full_clean()
    decision.search_text = search_terms(decision.title, decision.number, decision.summary)
    decision._history_user = actor
    decision.save()
    changed_requirements = _rederive_requirements(decision, actor)
    record_event(
        actor=actor,
        action="decision.updated",
        role=acting_role(actor, Action.CATALOG if catalog_reference else Action.EDIT_DECISION, decision),
        obj=decision,
        decision_id=decision.pk,
        before=before,
        after={name: getattr(decision, name) for name in before}
        | {"requirements": changed_requirements}
        | ({"catalog_reference": catalog_reference} if catalog_reference else {}),
    )
    return decision


def _rederive_requirements(decision: Decision, actor: User) -> dict[str, str]:
    """Step requirements follow the decision's flags. Once the procedure has started, a flag alone never makes a
    required step optional or not applicable: that takes the legal office (propose and confirm "not applicable",
    or its confirmation that the decision is lawfully confidential)."""
    profile = profile_for(decision.organ)
    started = decision.status not in (State.PROPOSED, State.CATALOGED)
    changed = {}
    for step in current_steps(decision).values():
        if step.status in (StepStatus.DONE, StepStatus.CLOSED) or step.not_applicable_confirmed_by_id:
            continue
        derived = derive_requirement(StepKind(step.kind), decision, profile.default_required)
        # A drafter's own "not applicable" on an optional step stands while the step stays optional.
        if (
            step.requirement == Requirement.NOT_APPLICABLE
            and derived == Requirement.OPTIONAL
            and step.not_applicable_reason
        ):
            continue
        weakened = step.requirement == Requirement.REQUIRED and derived != Requirement.REQUIRED
        if started and weakened and not (derived == Requirement.NOT_APPLICABLE and decision.is_lawfully_confidential):
            continue
        if derived == step.requirement:
            continue
        if derived == Requirement.NOT_APPLICABLE:
            set_not_applicable(step, _("Lawfully confidential (confirmed by the legal office)."))
        else:
            step.requirement = derived
            step.not_applicable_reason = ""
            step.not_applicable_proposed_by = None
            if (
                derived == Requirement.REQUIRED
                and decision.status == State.DRAFTING
                and step.kind in DRAFTING_STEPS
                and step.status == StepStatus.PENDING
            ):
                move_step(step, "open")
                step.opened_at = timezone.now()
                apply_due_date(step, actor)
        save_step(step, actor)
        changed[step.kind] = derived.value
    return changed


def confidentiality_refusal(decision: Decision, user: User) -> ProcedureError | None:
    """Why `user` may not confirm or refuse the decision's claim of confidentiality now (None: they may)."""
    verdict = can(user, Action.CONFIRM_NOT_APPLICABLE, decision)
    if not verdict:
        return ProcedureError.from_verdict(verdict)
    if decision.confidentiality_claimed_by_id == user.pk:
        return ProcedureError(
            "permission.two_person", _("Two-person rule: you cannot confirm what you proposed yourself.")
        )
    if not decision.is_confidential or decision.confidentiality_confirmed_by_id:
        return ProcedureError(
            "confidentiality.nothing_to_confirm", _("No claim of confidentiality awaits the legal office.")
        )
    if decision.status not in EDITABLE_STATES:
        return ProcedureError(
            "confidentiality.too_late",
            _("Confidentiality is settled before legality review; this decision is “%(state)s”.")
            % {"state": State(decision.status).label},
        )
    return None


@transaction.atomic
def confirm_confidentiality(*, decision: Decision, actor: User, confirm: bool, comment: str = "") -> Decision:
    """The legal office confirms (or refuses) the unit's claim that the decision is lawfully confidential; only
    then do public participation and publication fall away (Decree 713 Art. 14, 32)."""
    decision = lock_decision(decision)
    refusal = confidentiality_refusal(decision, actor)
    if refusal is not None:
        raise refusal
    comment = optional_text(comment, ("comment",))
    if confirm:
        decision.confidentiality_confirmed_by, decision.confidentiality_confirmed_at = actor, timezone.now()
        action = "decision.confidentiality_confirmed"
    else:
        comment = require_text(comment, "step.comment_required", _("Refusing the claim needs a comment."))
        decision.is_confidential = False
        action = "decision.confidentiality_refused"
    decision._history_user = actor
    decision.save()
    changed = _rederive_requirements(decision, actor)
    record_event(
        actor=actor,
        action=action,
        role=acting_role(actor, Action.CONFIRM_NOT_APPLICABLE, decision),
        obj=decision,
        decision_id=decision.pk,
        after={"is_confidential": decision.is_confidential, "requirements": changed},
        reason=comment or decision.confidential_reason,
    )
    return decision


@transaction.atomic
def catalog_decision(*, decision: Decision, actor: User) -> Decision:
    """The government office enters the proposal in the annual catalog (Art. 3; deepened by the catalog app)."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "catalog", actor)
    move_to(decision, State.CATALOGED, actor=actor, transition=transition)
    return decision


@transaction.atomic
def withdraw_decision(*, decision: Decision, actor: User, reason: str) -> Decision:
    decision = lock_decision(decision)
    transition = check_transition(decision, "withdraw", actor)
    reason = require_text(
        reason, "procedure.reason_required", _("Withdrawing a decision needs a reason."), fields=("reason",)
    )
    closed = close_unfinished_steps(decision, actor)
    move_to(
        decision, State.WITHDRAWN, actor=actor, transition=transition, reason=reason, after={"closed_steps": closed}
    )
    return decision


@transaction.atomic
def start_drafting(*, decision: Decision, actor: User) -> Decision:
    """Start the procedure (Art. 10–11): the undertaking unit's steps open."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "start_drafting", actor)
    moves: list = []  # due dates this transition moves, recorded in its one event
    opened = _open_drafting_steps(decision, actor, moves)
    move_to(
        decision,
        State.DRAFTING,
        actor=actor,
        transition=transition,
        after={"opened_steps": opened, **due_moves_after(moves)},
    )
    return decision


def _open_drafting_steps(decision: Decision, actor: User, moves: list | None = None) -> list[str]:
    opened = []
    with using_calendar():  # one calendar for the due dates of every step opened
        for kind, step in current_steps(decision).items():
            # Optional steps stay not started until someone takes them up (services.steps: the first save or upload).
            if (
                kind in DRAFTING_STEPS
                and step.status == StepStatus.PENDING
                and step.requirement == Requirement.REQUIRED
            ):
                open_step(step, actor, moves=moves)
                opened.append(kind)
    return opened


# ---------------------------------------------------------------- publication and execution (Art. 32–35)


@transaction.atomic
def publish_decision(
    *,
    decision: Decision,
    actor: User,
    channels: str,
    published_on: date,
    media: list[str] | tuple[str, ...] = (),
    document_number: str = "",
    issue_number: str = "",
    link: str = "",
    opinions_explanation: str = "",
) -> Step:
    """Rule 5, Art. 32: publish a decided decision in the media named (the gazette's or newspaper's issue, the
    website's link); explain how public and expert opinions were used."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "publish", actor)
    media = list(dict.fromkeys(media or ()))  # in the order given, once each
    if not media or any(medium not in Publication.Medium.values for medium in media):
        raise ProcedureError(
            "publication.media",
            _("Decree 713 Art. 32: choose where the decision is published (gazette, website, newspaper, new media)."),
            fields=("media",),
        )
    channels = require_text(
        channels, "publication.channels", _("Name the channels of publication."), fields=("channels",)
    )
    document_number = optional_text(document_number, ("document_number",))
    issue_number = optional_text(issue_number, ("issue_number",))
    link = optional_text(link, ("link",))
    printed = {Publication.Medium.GAZETTE, Publication.Medium.NEWSPAPER} & set(media)
    if printed and not issue_number:
        raise ProcedureError(
            "publication.issue_number",
            _("Name the issue of the gazette or newspaper the decision is published in."),
            fields=("issue_number",),
        )
    if Publication.Medium.WEBSITE in media and not link:
        raise ProcedureError(
            "publication.link",
            _("Give the link to the decision on the government website."),
            fields=("link",),
        )
    opinions_explanation = optional_text(opinions_explanation, ("opinions_explanation",))
    decided_on = timezone.localdate(decision.decided_at) if decision.decided_at else None
    if published_on is None or published_on > timezone.localdate() or (decided_on and published_on < decided_on):
        raise ProcedureError(
            "publication.date",
            _("The date of publication lies between the decision (%(decided)s) and today.")
            % {"decided": decided_on.isoformat() if decided_on else "—"},
            fields=("published_on",),
        )
    refuse_date_out_of_range(published_on, "published_on", past_date_bounds)
    steps = current_steps(decision)
    consulted = any(
        steps[kind].status == StepStatus.DONE for kind in (StepKind.PUBLIC_PARTICIPATION, StepKind.EXPERT_REVIEW)
    )
    if consulted and not opinions_explanation:
        raise ProcedureError(
            "publication.explanation",
            _("Decree 713 Art. 32: explain how the public's and the experts' opinions were adopted."),
            fields=("opinions_explanation",),
        )
    step = steps[StepKind.PUBLICATION]
    now = timezone.now()
    publication = Publication(
        step=step,
        media=media,
        channels=channels,
        published_on=published_on,
        document_number=document_number,
        issue_number=issue_number,
        link=link,
        opinions_explanation=opinions_explanation,
    )
    publication._history_user = actor
    publication.full_clean()
    publication.save()
    move_step(step, "complete")
    step.completed_at, step.completed_by = now, actor
    save_step(step, actor)
    set_aside_unused_optional_steps(decision, actor, (StepKind.CONGRESS_REPORT,))
    decision.published_at = now
    after = {"published_on": published_on, "media": media}
    move_to(decision, State.PUBLISHED, actor=actor, transition=transition, after=after)
    return step


@transaction.atomic
def start_execution(
    *,
    decision: Decision,
    actor: User,
    execution_unit: Organization,
    report_cadence: str = "",
    cooperating_units=(),
) -> Step:
    """Rule 5, Art. 34: the organ names the execution unit, the units cooperating with it, and how often it reports
    its progress (quarterly unless said): the execution step is due at each next report."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "start_execution", actor)
    if execution_unit is None or execution_unit.organ != decision.organ:
        raise ProcedureError(
            "execution.unit", _("Choose an execution unit of this decision organ."), fields=("execution_unit",)
        )
    cooperating_units = list(dict.fromkeys(cooperating_units or ()))
    if any(unit.pk == execution_unit.pk or unit.organ != decision.organ for unit in cooperating_units):
        raise ProcedureError(
            "execution.cooperating_unit",
            _("Cooperating units are other units of this decision organ, not the execution unit itself."),
            fields=("cooperating_units",),
        )
    report_cadence = report_cadence or Execution.Cadence.QUARTERLY
    if report_cadence not in Execution.Cadence.values:
        raise ProcedureError(
            "execution.cadence",
            _("Choose how often progress is reported: monthly, quarterly or every half year."),
            fields=("report_cadence",),
        )
    steps = current_steps(decision)
    step = steps[StepKind.EXECUTION]
    moves: list = []  # due dates this transition moves, recorded in its one event
    if step.status == StepStatus.DONE:
        step = new_round(step, status=StepStatus.PENDING, actor=actor, moves=moves)
    execution = Execution.objects.filter(step=step).first() or Execution(step=step)
    execution.unit = execution_unit  # an adjusted decision may name another unit
    execution.report_cadence = report_cadence
    save_record(execution, actor)
    execution.cooperating_units.set(cooperating_units)
    if step.status != StepStatus.OPEN:
        open_step(step, actor, moves=moves)
    else:  # an adjusted decision: its execution never stopped; the cadence may have changed
        set_due_date(step, actor, _("execution restarted after the adjustment"), record=execution, moves=moves)
    set_aside_unused_optional_steps(decision, actor, (StepKind.CONGRESS_REPORT,))
    decision.execution_unit = execution_unit
    # Rule 6 counts from the first start of execution: an adjustment does not restart the clock.
    decision.execution_started_at = decision.execution_started_at or timezone.now()
    evaluation = steps[StepKind.POST_EVALUATION]
    if evaluation.status == StepStatus.PENDING and evaluation.requirement != Requirement.NOT_APPLICABLE:
        set_due_date(evaluation, actor, _("execution started"), moves=moves)  # Rule 6: the evaluation's timing
    move_to(
        decision,
        State.IN_EXECUTION,
        actor=actor,
        transition=transition,
        after={
            "execution_unit": execution_unit.name,
            "cooperating_units": [unit.name for unit in cooperating_units],
            "report_cadence": report_cadence,
            **due_moves_after(moves),
        },
    )
    return step


def execution_report_refusal(decision: Decision, user: User) -> ProcedureError | None:
    """Why `user` may not report on execution now (None: they may) — also while an adjustment runs."""
    verdict = can(user, Action.REPORT_EXECUTION, decision)
    if not verdict:
        return ProcedureError.from_verdict(verdict)
    if not decision.is_in_force:
        return ProcedureError(
            "execution.not_running", _("Progress can be reported only while the decision is executed.")
        )
    return None


def report_execution(*, decision: Decision, actor: User, progress: str, **report) -> Step:
    """Art. 34–35: the execution unit reports progress to the organ (the text only; `execution.report_progress`
    takes the period, problems, indicator values and documents too)."""
    from .execution import report_progress  # it builds on this module's execution_report_refusal

    return report_progress(decision=decision, actor=actor, progress=progress, **report).step


@transaction.atomic
def suspend_decision(*, decision: Decision, actor: User, reason: str, purpose: str = "") -> Decision:
    """Rule 7, Art. 37: in an emergency the head suspends at once, with a reason; the follow-up adjustment opens at
    once (to change the decision unless `purpose` says stop), due within the organ's target and reminded until it is
    decided. An adjustment already under way becomes that follow-up."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "suspend", actor)
    reason = require_text(
        reason, "procedure.reason_required", _("Suspending execution needs a reason."), fields=("reason",)
    )
    adjustment = decision.adjustment if decision.is_adjustment else None
    if adjustment is None and (purpose or AdjustmentPurpose.CHANGE) not in AdjustmentPurpose.values:
        raise ProcedureError(
            "adjustment.purpose",
            _("Say whether the adjustment after the suspension changes or stops the decision."),
            fields=("purpose",),
        )
    moves: list = []  # due dates this transition moves, recorded in its one event
    after = {}
    if adjustment is None:
        adjustment = begin_adjustment(decision, actor, purpose or AdjustmentPurpose.CHANGE, reason, moves)[0]
        adjustment.emergency = True  # saved with its due date below
        after = {"adjustment": adjustment.number, "purpose": adjustment.purpose}
    if adjustment.due_on is None:
        # Art. 37: the adjustment is now what ends the suspension; it is due within the organ's target.
        due = due_after_suspension(decision, timezone.localdate())
        set_adjustment_due(adjustment, due, actor, _("execution suspended in an emergency"), moves)
        after = {**after, "adjustment": adjustment.number, "adjustment_due_on": due.value, **due_moves_after(moves)}
    move_to(decision, State.SUSPENDED, actor=actor, transition=transition, reason=reason, after=after)
    return decision


@transaction.atomic
def start_adjustment(*, decision: Decision, actor: User, purpose: str, reason: str) -> Decision:
    """Rule 7, Art. 37: a published decision is changed or stopped only by running the procedure again — in an
    adjustment of its own, while the decision in force keeps its status (an evaluation under way ends here)."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "start_adjustment", actor)
    if purpose not in AdjustmentPurpose.values:
        raise ProcedureError(
            "adjustment.purpose", _("Say whether the adjustment changes or stops the decision."), fields=("purpose",)
        )
    reason = require_text(reason, "procedure.reason_required", _("An adjustment needs a reason."), fields=("reason",))
    moves: list = []  # due dates this transition moves, recorded in its one event
    adjustment = begin_adjustment(decision, actor, purpose, reason, moves)[0]
    target = State.SUSPENDED if decision.status == State.SUSPENDED else State.IN_EXECUTION
    if target == State.SUSPENDED:
        # Art. 37: after an emergency suspension the adjustment is decided within the organ's target, counted from
        # the suspension.
        suspended_on = timezone.localdate(decision.status_changed_at) if decision.status_changed_at else None
        due = due_after_suspension(decision, suspended_on or timezone.localdate())
        set_adjustment_due(adjustment, due, actor, _("adjustment after an emergency suspension"), moves)
    move_to(
        decision,
        target,
        actor=actor,
        transition=transition,
        reason=reason,
        after={
            "adjustment": adjustment.number,
            "purpose": purpose,
            **({"adjustment_due_on": adjustment.due_on} if adjustment.due_on else {}),
            **due_moves_after(moves),
        },
    )
    return decision


@transaction.atomic
def abandon_adjustment(*, decision: Decision, actor: User, reason: str) -> Decision:
    """Rule 7: the organ abandons an adjustment before it is decided; the decision in force stays exactly as it was,
    and the adjustment's unfinished steps close."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "abandon_adjustment", actor)
    reason = require_text(
        reason, "procedure.reason_required", _("Abandoning an adjustment needs a reason."), fields=("reason",)
    )
    closed = close_unfinished_steps(decision, actor, kinds=ADJUSTMENT_ROUND_STEPS)
    adjustment = end_adjustment(decision, actor, AdjustmentStage.ABANDONED)
    move_to(
        decision,
        State(decision.status),
        actor=actor,
        transition=transition,
        reason=reason,
        after={"adjustment": adjustment.number, "closed_steps": closed},
    )
    return decision


def begin_adjustment(
    decision: Decision, actor: User, purpose: str, reason: str, moves: list | None = None
) -> tuple[Adjustment, dict]:
    """The adjustment record and a new round of the steps it runs again; returns both (the rounds by kind). The
    decision in force keeps executing (an evaluation under way ends: the organ decided to adjust)."""
    close_unfinished_steps(decision, actor, kinds=(StepKind.POST_EVALUATION,))
    decision.adjustment_round += 1
    adjustment = Adjustment(
        decision=decision, number=decision.adjustment_round, purpose=purpose, reason=reason, started_by=actor
    )
    save_record(adjustment, actor)
    decision.adjustment = adjustment
    profile = profile_for(decision.organ)
    rounds = {}
    with using_calendar():  # one calendar for the due dates of every round opened
        for kind, step in current_steps(decision).items():
            if kind in ADJUSTMENT_ROUND_STEPS:
                successor = new_round(step, status=StepStatus.PENDING, actor=actor, moves=moves)
                successor.requirement = derive_requirement(StepKind(kind), decision, profile.default_required)
                successor.adjustment_round = decision.adjustment_round
                if kind in DRAFTING_STEPS and successor.requirement == Requirement.REQUIRED:
                    open_step(successor, actor, moves=moves)
                else:
                    save_step(successor, actor)
                rounds[kind] = successor
    return adjustment, rounds


# ---------------------------------------------------------------- evaluation (Art. 36) and archive (Art. 33)


@transaction.atomic
def archive_decision(*, decision: Decision, actor: User, reason: str) -> Decision:
    """Art. 33: the whole record is archived; execution ends."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "archive", actor)
    reason = require_text(
        reason,
        "procedure.reason_required",
        _("Archiving needs a reason (e.g. execution completed)."),
        fields=("reason",),
    )
    if decision.status == State.IN_EXECUTION:
        end_execution(current_steps(decision)[StepKind.EXECUTION], actor, Execution.EndedBy.ARCHIVE)
    closed = close_unfinished_steps(decision, actor)
    move_to(decision, State.ARCHIVED, actor=actor, transition=transition, reason=reason, after={"closed_steps": closed})
    return decision
