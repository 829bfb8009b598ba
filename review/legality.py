"""The legality review workspace (Decree 713 Art. 25–28): the materials the request carries, the opinions of the
legal advisers and public lawyers the legal office consults, and what the opinion summarises of them.

The transitions themselves (request, opinion, confirmation) are in `review/services.py`; this module keeps the rules
of the workspace's own records. Every act is one transaction and one ledger event (no names in the event).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User
from accounts.roles import Role
from decisions.errors import ProcedureError
from decisions.models import Decision, Step
from decisions.permissions import Action, acting_role
from decisions.procedure import LegalityOpinion, StepKind, StepStatus
from decisions.selectors import current_steps
from decisions.services.base import ensure_allowed, lock_step, require_text

from .models import AdviserOpinion, LegalityReview, RequiredChange
from .selectors import legality_materials

# The largest an adviser's name may be (the model's bound).
ADVISER_NAME_MAX = 200


def materials_refusal(decision: Decision, *, legal_basis: str, procedure_statement: str) -> ProcedureError | None:
    """Art. 26: the request carries every material the law lists; the refusal names each one missing."""
    missing = [
        m
        for m in legality_materials(decision, legal_basis=legal_basis, procedure_statement=procedure_statement)
        if not m.present
    ]
    if not missing:
        return None
    return ProcedureError(
        "rule2.materials_missing",
        _("Decree 713 Art. 26: the request for legality review lacks these materials: %(missing)s.")
        % {"missing": "、".join(f"{m.label} ({m.source})" for m in missing)},
    )


def current_review(decision: Decision) -> LegalityReview | None:
    """The record of the decision's current legality review round (None before it was requested)."""
    step = current_steps(decision).get(StepKind.LEGALITY_REVIEW)
    if step is None:
        return None
    return LegalityReview.objects.filter(step=step).first()


@transaction.atomic
def record_adviser_opinion(
    *,
    step: Step,
    actor: User,
    adviser: str,
    kind: str,
    asked_on: datetime.date,
    opinion: str,
    answered_on: datetime.date,
) -> AdviserOpinion:
    """Art. 27: the legal office's reviewer records the opinion of a legal adviser or public lawyer it consulted,
    while the review is open (requested, no opinion given yet)."""
    decision, step = lock_step(step)
    if step.kind != StepKind.LEGALITY_REVIEW:
        raise ProcedureError("legality.not_review", _("Adviser opinions belong to a legality review."))
    ensure_allowed(actor, Action.GIVE_LEGALITY_OPINION, step)
    review = LegalityReview.objects.filter(step=step).first()
    if review is None or step.status != StepStatus.SUBMITTED or review.opinion:
        raise ProcedureError(
            "legality.adviser_closed",
            _("Decree 713 Art. 27: advisers' opinions are recorded while the legality review is under way."),
        )
    adviser = require_text(
        adviser, "legality.adviser", _("Decree 713 Art. 27: name the adviser consulted."), fields=("adviser",)
    )
    if len(adviser) > ADVISER_NAME_MAX:
        raise ProcedureError(
            "legality.adviser",
            _("The adviser's name is at most %(n)s characters.") % {"n": ADVISER_NAME_MAX},
            fields=("adviser",),
        )
    if kind not in AdviserOpinion.Kind.values:
        raise ProcedureError("legality.adviser_kind", _("Choose a legal adviser or a public lawyer."), fields=("kind",))
    opinion = require_text(
        opinion, "legality.adviser_opinion", _("Decree 713 Art. 27: write the adviser's opinion."), fields=("opinion",)
    )
    if answered_on < asked_on:
        raise ProcedureError(
            "legality.adviser_dates",
            _("The adviser cannot answer before being asked."),
            fields=("answered_on",),
        )
    record = AdviserOpinion.objects.create(
        review=review,
        adviser=adviser,
        kind=kind,
        asked_on=asked_on,
        opinion=opinion,
        answered_on=answered_on,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action="legality.adviser_opinion_recorded",
        obj=step,
        decision_id=decision.pk,
        role=acting_role(actor, Action.GIVE_LEGALITY_OPINION, decision) or None,
        after={"adviser_opinion": record.pk, "kind": kind, "asked_on": str(asked_on), "answered_on": str(answered_on)},
    )
    return record


def advisers_summary(review: LegalityReview) -> str:
    """What the opinion records of the advisers consulted: each adviser with their kind, as recorded."""
    parts = [f"{o.adviser}（{o.get_kind_display()}）" for o in review.adviser_opinions.all()]
    return "；".join(parts)[:500]


# The staff who read an organ's legality review coverage: its legal office, its government office, the supervisor.
COVERAGE_ROLES = frozenset({Role.LEGAL_REVIEWER, Role.GOV_OFFICE, Role.SUPERVISOR})


def coverage_organ(user):
    """The organ whose coverage the user reads; refused (403) for any other role, or without an organ."""
    if not user.is_authenticated or not set(user.role_names) & {role.value for role in COVERAGE_ROLES}:
        raise PermissionDenied(
            _("The legality review coverage is read by the legal office, the government office and the supervisor.")
        )
    organ = user.organization.organ if user.organization_id else None
    if organ is None:
        raise PermissionDenied(_("Your account belongs to no decision organ."))
    return organ


# ---------------------------------------------------------------- the required changes, one by one (Art. 28)


def _changes_open(step: Step) -> LegalityReview:
    """The round's record while it waits for the changes a "lawful with changes" opinion required."""
    review = LegalityReview.objects.filter(step=step).first()
    if (
        step.kind != StepKind.LEGALITY_REVIEW
        or review is None
        or review.opinion != LegalityOpinion.LAWFUL_WITH_CHANGES
        or step.status != StepStatus.APPROVED
    ):
        raise ProcedureError(
            "legality.changes_not_open",
            _("Decree 713 Art. 28: the changes are listed while a “lawful with changes” opinion awaits them."),
        )
    return review


@transaction.atomic
def list_required_changes(*, step: Step, actor: User) -> list[RequiredChange]:
    """The legal office's reviewer lists the changes the opinion requires one by one (a line of its text each):
    from then on each needs the drafter's note of what was changed before the changes are confirmed."""
    decision, step = lock_step(step)
    ensure_allowed(actor, Action.GIVE_LEGALITY_OPINION, step)
    review = _changes_open(step)
    if review.change_items.exists():
        raise ProcedureError("legality.changes_already_listed", _("The required changes are already listed."))
    lines = [line.strip() for line in review.required_changes.splitlines() if line.strip()]
    items = [RequiredChange(review=review, order=n, text=text) for n, text in enumerate(lines, start=1)]
    RequiredChange.objects.bulk_create(items)
    record_event(
        actor=actor,
        action="legality.changes_listed",
        obj=step,
        decision_id=decision.pk,
        role=acting_role(actor, Action.GIVE_LEGALITY_OPINION, decision) or None,
        after={"required_changes": len(items)},
    )
    return list(review.change_items.all())


@transaction.atomic
def record_change_made(*, change: RequiredChange, actor: User, note: str) -> RequiredChange:
    """The undertaking unit's drafter says what was changed in the draft for one required change (Art. 28)."""
    step = change.review.step
    decision, step = lock_step(step)
    ensure_allowed(actor, Action.WORK_ON_STEP, decision)
    _changes_open(step)
    change = RequiredChange.objects.select_for_update().get(pk=change.pk)
    note = require_text(
        note,
        "legality.change_note",
        _("Decree 713 Art. 28: say what was changed in the draft for this required change."),
        fields=("note",),
    )
    change.change_note, change.noted_by, change.changed_at = note, actor, timezone.now()
    change.save(update_fields=["change_note", "noted_by", "changed_at"])
    record_event(
        actor=actor,
        action="legality.change_made",
        obj=step,
        decision_id=decision.pk,
        role=acting_role(actor, Action.WORK_ON_STEP, decision) or None,
        after={"required_change": change.pk, "order": change.order},
    )
    return change


def changes_refusal(review: LegalityReview) -> ProcedureError | None:
    """Art. 28: listed one by one, every required change has the drafter's note before the changes are confirmed."""
    missing = [item.order for item in review.change_items.all() if not item.change_note]
    if not missing:
        return None
    return ProcedureError(
        "legality.changes_not_noted",
        _(
            "Decree 713 Art. 28: the undertaking unit says what was changed for every required change; "
            "not yet: No. %(items)s."
        )
        % {"items": ", ".join(str(n) for n in missing)},
    )


def confirm_change_items(review: LegalityReview, when) -> int:
    """At the confirmation: every listed change is confirmed (the caller's transaction and event)."""
    return review.change_items.update(confirmed=True, confirmed_at=when)
