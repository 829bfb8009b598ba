"""The legality review (Decree 713 Art. 25–28): the request, the opinion and the confirmation of the changes.

Each is a transition of the decision's table that `review` owns: it keeps its record (`LegalityReview`, one per round)
and drives the step and the decision through the inbound services of `decisions`, passing the typed outcome the
procedure's rules read (the opinion) and the draft under review (`Step.draft`).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from decisions.errors import ProcedureError
from decisions.models import Decision, Document, Step
from decisions.permissions import Action
from decisions.procedure import PRE_DISCUSSION_STEPS, LegalityOpinion, State, StepKind, StepStatus
from decisions.selectors import current_steps
from decisions.services.inbound import (
    check_transition,
    due_moves_after,
    ensure_allowed,
    latest_draft,
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
    set_due_date,
)

from .legality import advisers_summary, changes_refusal, confirm_change_items, materials_refusal
from .models import LegalityReview

# The longest review period a request may give (the form's bound too).
MAX_REVIEW_WORKING_DAYS = 60


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
    refusal = materials_refusal(decision, legal_basis=legal_basis, procedure_statement=procedure_statement)
    if refusal is not None:  # Art. 26: every material the law lists goes with the request
        raise refusal
    minimum = profile_for(decision.organ).min_review_working_days
    days = review_working_days or minimum
    if days < 1:
        raise ProcedureError(
            "rule2.period", _("The review period must be at least one working day."), fields=("review_working_days",)
        )
    if days > MAX_REVIEW_WORKING_DAYS:
        raise ProcedureError(
            "rule2.period",
            _("The review period is at most %(most)s working days.") % {"most": MAX_REVIEW_WORKING_DAYS},
            fields=("review_working_days",),
        )
    urgency_reason = optional_text(urgency_reason, ("urgency_reason",))
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
    move_step(step, "request")
    step.opened_at = step.submitted_at = timezone.now()
    step.submitted_by = actor
    step.draft = latest_draft(decision)  # the text under review, fixed by its hash
    save_step(step, actor)
    record = LegalityReview(
        step=step,
        legal_basis=legal_basis,
        procedure_statement=procedure_statement,
        review_working_days=days,
        urgency_reason=urgency_reason,
        shortened=days < minimum,
        reviewed_draft=step.draft,
    )
    save_record(record, actor)
    # Art. 26: due the review period's working days after the request (review/steps.py, legality_review_due).
    moves: list = []  # due dates this transition moves, recorded in its one event
    due = set_due_date(step, actor, _("legality review requested"), record=record, moves=moves)
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
            **due_moves_after(moves),
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
    if opinion not in LegalityOpinion.values:
        raise ProcedureError("legality.opinion", _("Choose one of the legality review opinions."), fields=("opinion",))
    opinion_text = require_text(
        opinion_text, "legality.opinion_text", _("Write the review opinion."), fields=("opinion_text",)
    )
    legal_risk = optional_text(legal_risk, ("legal_risk",))
    required_changes = optional_text(required_changes, ("required_changes",))
    advisers_consulted = optional_text(advisers_consulted, ("advisers_consulted",))
    if opinion == LegalityOpinion.EXPLORATORY_REFORM and not legal_risk:
        raise ProcedureError(
            "legality.legal_risk",
            _("Decree 713 Art. 25: an exploratory reform goes to discussion only with its legal risk stated."),
            fields=("legal_risk",),
        )
    if opinion == LegalityOpinion.LAWFUL_WITH_CHANGES and not required_changes:
        raise ProcedureError("legality.changes", _("State the changes the draft needs."), fields=("required_changes",))
    record = LegalityReview.objects.get(step=step)
    if not advisers_consulted:  # Art. 27: the advisers' opinions recorded in the workspace, summarised
        advisers_consulted = advisers_summary(record)
    record.opinion, record.opinion_text = opinion, opinion_text
    record.legal_risk, record.required_changes = legal_risk, required_changes
    record.advisers_consulted = advisers_consulted
    save_record(record, actor)
    now = timezone.now()
    step.outcome = opinion  # what the procedure's rules read (Art. 25)
    step.reviewed_at, step.reviewed_by = now, actor
    after = {"opinion": opinion}
    moves: list = []  # due dates this transition moves, recorded in its one event
    if opinion in (LegalityOpinion.LAWFUL, LegalityOpinion.EXPLORATORY_REFORM):
        move_step(step, "complete")
        step.completed_at, step.completed_by = now, actor
        save_step(step, actor)
        open_step(current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION], actor, moves=moves)
        after.update(due_moves_after(moves))
        move_to(decision, State.AWAITING_DISCUSSION, actor=actor, transition=transition, after=after)
    elif opinion == LegalityOpinion.LAWFUL_WITH_CHANGES:
        move_step(step, "accept_with_changes")
        save_step(step, actor)
        # The review stays open until the changes are confirmed: the one event, no change of state.
        move_to(
            decision, State.LEGALITY_REVIEW, actor=actor, transition=transition, after=after, reason=required_changes
        )
    else:  # unlawful, or returned for more material: back to drafting, a new review round awaits
        move_step(step, "return")
        save_step(step, actor)
        new_round(step, status=StepStatus.PENDING, actor=actor, moves=moves)
        after.update(due_moves_after(moves))
        move_to(decision, State.DRAFTING, actor=actor, transition=transition, after=after, reason=opinion_text)
    return step


@transaction.atomic
def confirm_legality_changes(*, decision: Decision, actor: User, comment: str = "") -> Step:
    """Rule 1: a "lawful with changes" opinion lets the decision go to discussion once the changes are confirmed."""
    decision = lock_decision(decision)
    transition = check_transition(decision, "confirm_legality_changes", actor)
    step = Step.objects.select_for_update().get(pk=current_steps(decision)[StepKind.LEGALITY_REVIEW].pk)
    ensure_allowed(actor, Action.GIVE_LEGALITY_OPINION, step)
    comment = optional_text(comment, ("comment",))
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
    record = LegalityReview.objects.get(step=step)
    refusal = changes_refusal(record)
    if refusal is not None:  # listed one by one: each says what was changed (Art. 28)
        raise refusal
    confirmed_items = confirm_change_items(record, now)
    record.changes_confirmed_at, record.confirmation_comment = now, comment
    record.confirmed_draft = latest_draft(decision)
    save_record(record, actor)
    move_step(step, "complete")
    step.completed_at, step.completed_by = now, actor
    save_step(step, actor)
    moves: list = []  # due dates this transition moves, recorded in its one event
    open_step(current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION], actor, moves=moves)
    after = due_moves_after(moves)
    if confirmed_items:
        after["required_changes_confirmed"] = confirmed_items
    move_to(
        decision,
        State.AWAITING_DISCUSSION,
        actor=actor,
        transition=transition,
        reason=comment,
        after=after,
    )
    return step
