"""Legality review (Decree 713 Art. 25–28): request, opinion, confirmation of changes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User
from workdays.calendar import add_working_days

from ..errors import ProcedureError
from ..models import Decision, Document, Step
from ..permissions import Action, acting_role
from ..procedure import (
    PRE_DISCUSSION_STEPS,
    State,
    StepKind,
    StepStatus,
)
from ..selectors import current_steps
from .base import (
    LEGALITY_OPINIONS,
    check_transition,
    draft_reference,
    ensure_allowed,
    latest_draft,
    lock_decision,
    move_step,
    move_to,
    new_round,
    open_step,
    profile_for,
    require_text,
    save_step,
    set_aside_unused_optional_steps,
)


@transaction.atomic
def request_legality_review(
    *,
    decision: Decision,
    actor: User,
    legal_basis: str,
    procedure_statement: str,
    review_working_days: int | None = None,
    urgency_reason: str = "",
) -> Step:
    """Rule 1 and 2: every required pre-discussion step done; the reviewer gets at least the profile's working days
    (7 under Decree 713) unless a written urgency reason is given, which is flagged in every report."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "request_legality_review", actor)
    legal_basis = require_text(
        legal_basis,
        "rule2.materials",
        _("Decree 713 Art. 26: the request must state the legal basis."),
        fields=("legal_basis",),
    )
    procedure_statement = require_text(
        procedure_statement,
        "rule2.materials",
        _("Decree 713 Art. 26: the request must state the procedures followed."),
        fields=("procedure_statement",),
    )
    minimum = profile_for(decision.organ).min_review_working_days
    days = review_working_days or minimum
    if days < 1:
        raise ProcedureError(
            "rule2.period", _("The review period must be at least one working day."), fields=("review_working_days",)
        )
    urgency_reason = (urgency_reason or "").strip()
    if days < minimum and not urgency_reason:
        raise ProcedureError(
            "rule2.period_too_short",
            _(
                "Rule 2: the legality reviewer gets at least %(min)s working days; %(days)s needs a written urgency "
                "reason."
            )
            % {"min": minimum, "days": days},
            fields=("review_working_days", "urgency_reason"),
        )
    step = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    due = add_working_days(timezone.localdate(), days)
    move_step(step, "request")
    step.opened_at = step.submitted_at = timezone.now()
    step.submitted_by = actor
    step.due_on, step.due_is_provisional = due.value, due.provisional
    reviewed = latest_draft(decision)
    step.draft = reviewed
    step.details = {
        "legal_basis": legal_basis,
        "procedure_statement": procedure_statement,
        "review_working_days": days,
        "urgency_reason": urgency_reason,
        "shortened": days < minimum,
        "reviewed_draft": draft_reference(reviewed),  # the text under review, fixed by its hash
    }
    save_step(step, actor)
    set_aside = set_aside_unused_optional_steps(decision, actor, PRE_DISCUSSION_STEPS)
    move_to(
        decision,
        State.LEGALITY_REVIEW,
        actor=actor,
        transition=transition,
        reason=urgency_reason,
        after={
            "review_working_days": days,
            "due_on": due.value,
            "due_is_provisional": due.provisional,
            "shortened": days < minimum,
            "optional_steps_not_used": set_aside,
        },
    )
    return step


@transaction.atomic
def give_legality_opinion(
    *,
    decision: Decision,
    actor: User,
    opinion: str,
    opinion_text: str,
    legal_risk: str = "",
    required_changes: str = "",
    advisers_consulted: str = "",
) -> Step:
    """The legal office's opinion (Art. 27–28): lawful or exploratory reform (with its legal risk stated) sends the
    decision to discussion; lawful with changes waits for the changes; unlawful or returned sends it back."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "give_legality_opinion", actor)
    step = Step.objects.select_for_update().get(pk=current_steps(decision)[StepKind.LEGALITY_REVIEW].pk)
    ensure_allowed(actor, Action.GIVE_LEGALITY_OPINION, step)  # two-person rule against the requester
    if opinion not in LEGALITY_OPINIONS:
        raise ProcedureError("legality.opinion", _("Choose one of the legality review opinions."), fields=("opinion",))
    opinion_text = require_text(
        opinion_text, "legality.opinion_text", _("Write the review opinion."), fields=("opinion_text",)
    )
    if opinion == "exploratory_reform" and not legal_risk.strip():
        raise ProcedureError(
            "legality.legal_risk",
            _("Decree 713 Art. 25: an exploratory reform goes to discussion only with its legal risk stated."),
            fields=("legal_risk",),
        )
    if opinion == "lawful_with_changes" and not required_changes.strip():
        raise ProcedureError("legality.changes", _("State the changes the draft needs."), fields=("required_changes",))
    now = timezone.now()
    step.outcome = opinion
    step.details = step.details | {
        "opinion": opinion,
        "opinion_text": opinion_text,
        "legal_risk": legal_risk.strip(),
        "required_changes": required_changes.strip(),
        "advisers_consulted": advisers_consulted.strip(),
    }
    step.reviewed_at, step.reviewed_by = now, actor
    after = {"opinion": opinion}
    if opinion in ("lawful", "exploratory_reform"):
        move_step(step, "complete")
        step.completed_at, step.completed_by = now, actor
        save_step(step, actor)
        open_step(current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION], actor)
        move_to(decision, State.AWAITING_DISCUSSION, actor=actor, transition=transition, after=after)
    elif opinion == "lawful_with_changes":
        move_step(step, "accept_with_changes")
        save_step(step, actor)
        record_event(
            actor=actor,
            action="decision.give_legality_opinion",
            role=acting_role(actor, Action.GIVE_LEGALITY_OPINION, decision),
            obj=decision,
            decision_id=decision.pk,
            before={"status": decision.status},
            after={"status": decision.status, **after},
            reason=required_changes,
        )
    else:  # unlawful, or returned for more material: back to drafting, a new review round awaits
        move_step(step, "return")
        save_step(step, actor)
        new_round(step, status=StepStatus.PENDING, actor=actor)
        move_to(decision, State.DRAFTING, actor=actor, transition=transition, after=after, reason=opinion_text)
    return step


@transaction.atomic
def confirm_legality_changes(*, decision: Decision, actor: User, comment: str = "") -> Step:
    """Rule 1: a "lawful with changes" opinion lets the decision go to discussion once the changes are confirmed."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "confirm_legality_changes", actor)
    step = Step.objects.select_for_update().get(pk=current_steps(decision)[StepKind.LEGALITY_REVIEW].pk)
    ensure_allowed(actor, Action.GIVE_LEGALITY_OPINION, step)
    # The undertaking unit revises the draft; the reviewer confirms what the unit uploaded (two persons).
    revised = decision.documents.filter(kind=Document.Kind.DRAFT, uploaded_at__gt=step.reviewed_at)
    if not revised.exclude(uploaded_by=actor).exists():
        raise ProcedureError(
            "legality.no_revised_draft",
            _("The undertaking unit uploads the revised draft before the changes can be confirmed."),
        )
    if not revised.exclude(uploaded_by=actor).exclude(sha256=step.draft.sha256 if step.draft else "").exists():
        # The same file uploaded again is not a change (Art. 28: the changes asked for are made in the draft).
        raise ProcedureError(
            "legality.draft_unchanged",
            _(
                "Decree 713 Art. 28: the “revised” draft is identical to the draft reviewed (same SHA-256); upload "
                "the draft with the changes the opinion asked for."
            ),
        )
    now = timezone.now()
    move_step(step, "complete")
    step.completed_at, step.completed_by = now, actor
    step.details = step.details | {
        "changes_confirmed_at": now.isoformat(),
        "confirmation_comment": comment.strip(),
        "confirmed_draft": draft_reference(latest_draft(decision)),
    }
    save_step(step, actor)
    open_step(current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION], actor)
    move_to(decision, State.AWAITING_DISCUSSION, actor=actor, transition=transition, reason=comment)
    return step
