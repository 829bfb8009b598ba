"""Procedure profiles: an organ tightens Decree 713's numbers."""

from django.db import transaction
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import Organization, User

from ..errors import ProcedureError
from ..models import ProcedureProfile
from ..permissions import Action, acting_role
from ..procedure import (
    StepKind,
)
from .base import (
    ensure_allowed,
)

PROFILE_FIELDS = (
    "min_comment_days",
    "min_review_working_days",
    "default_required_steps",
    "reminder_days_before_due",
    "min_hearing_notice_days",
    "evaluation_after_months",
    "evaluation_within_months_after_term",
    "meeting_quorum_percent",
    "adjustment_after_evaluation_days",
)


@transaction.atomic
def update_procedure_profile(*, organ: Organization, actor: User | None, **fields) -> ProcedureProfile:
    """The organ tightens Decree 713's numbers. A ledger event; periods already running keep their due dates
    (they are stored on the steps), so a change applies to what is opened afterwards."""
    if actor is not None:
        ensure_allowed(actor, Action.EDIT_PROFILE, organ)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    if fields.get("min_comment_days") is not None and fields["min_comment_days"] < 30:
        raise ProcedureError("profile.comment_days", _("Decree 713 Art. 15: a comment period is at least 30 days."))
    if fields.get("min_review_working_days") is not None and fields["min_review_working_days"] < 7:
        raise ProcedureError(
            "profile.review_days", _("Decree 713 Art. 26: legality review gets at least 7 working days.")
        )
    if fields.get("min_hearing_notice_days") is not None and fields["min_hearing_notice_days"] < 7:
        raise ProcedureError(
            "profile.hearing_days", _("Decree 713 Art. 16: hearing materials reach participants 7 days ahead at least.")
        )
    if fields.get("meeting_quorum_percent") is not None and not 50 <= fields["meeting_quorum_percent"] < 100:
        raise ProcedureError(
            "profile.quorum", _("A meeting's quorum is more than half of its members (50 to 99 per cent).")
        )
    for name in ("evaluation_after_months", "evaluation_within_months_after_term", "adjustment_after_evaluation_days"):
        if fields.get(name) is not None and not 1 <= fields[name] <= 365:
            raise ProcedureError("profile.period", _("A period in the profile lies between 1 and 365."))
    unknown_steps = set(fields.get("default_required_steps") or []) - set(StepKind.values)
    if unknown_steps:
        raise ProcedureError(
            "profile.steps", _("Unknown step kinds: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown_steps))}
        )
    profile, _created = ProcedureProfile.objects.select_for_update().get_or_create(organ=organ)
    before = {name: getattr(profile, name) for name in fields}
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    record_event(
        actor=actor,
        action="profile.updated",
        role=acting_role(actor, Action.EDIT_PROFILE, organ),
        obj=profile,
        before=before,
        after=fields,
    )
    return profile
