"""Procedure profiles: an organ tightens Decree 713's numbers and sets its targets where the law sets no period."""

from django.db import transaction
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import Organization, User

from ..errors import ProcedureError
from ..models import ADJUSTMENT_TARGET, DEFAULT_STEP_TARGETS, ProcedureProfile
from ..permissions import Action, acting_role
from ..procedure import (
    StepKind,
)
from .base import (
    ensure_allowed,
)
from .deadlines import recompute_due_dates, steps_waited_on

PROFILE_FIELDS = (
    "min_comment_days",
    "min_review_working_days",
    "default_required_steps",
    "reminder_days_before_due",
    "escalate_after_working_days",
    "step_target_working_days",
    "min_hearing_notice_days",
    "evaluation_after_months",
    "evaluation_within_months_after_term",
    "meeting_quorum_percent",
    "adjustment_after_evaluation_days",
    "problem_reports_for_evaluation",
)
WHOLE_NUMBER_FIELDS = (
    "min_comment_days",
    "min_review_working_days",
    "escalate_after_working_days",
    "min_hearing_notice_days",
    "evaluation_after_months",
    "evaluation_within_months_after_term",
    "meeting_quorum_percent",
    "adjustment_after_evaluation_days",
    "problem_reports_for_evaluation",
)
# The numbers the due dates of running steps are computed from (decisions/deadlines.py and the step apps' rules):
# a change moves the due dates of the organ's steps still waited on, each with `step.due_moved`.
DUE_DATE_FIELDS = (
    "step_target_working_days",
    "min_hearing_notice_days",
    "evaluation_after_months",
    "evaluation_within_months_after_term",
)
MAX_TARGET_WORKING_DAYS = 250  # about a year of working days
MAX_REMINDER_WORKING_DAYS = 30
MAX_ESCALATION_WORKING_DAYS = 60


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def target_label(key: str) -> str:
    """How a key of the targets reads: the step kind's name, or the adjustment after a suspension."""
    if key == ADJUSTMENT_TARGET:
        return str(_("Adjustment after an emergency suspension"))
    return str(StepKind(key).label)


def clean_step_targets(value) -> dict[str, int]:
    """The organ's targets (working days by step kind) as given, over the defaults for the kinds not given; refused
    when a key is no step kind with a target or a value is no whole number of working days from 1 to 250."""
    if not isinstance(value, dict):
        raise ProcedureError(
            "profile.targets",
            _("Give the targets as working days by step, e.g. {“hearing”: 20}."),
        )
    unknown = sorted(str(key)[:40] for key in value if key not in DEFAULT_STEP_TARGETS)
    if unknown:
        raise ProcedureError(
            "profile.targets",
            _(
                "No target can be set for: %(kinds)s. The legality review has its period by law (Decree 713 Art. 26) "
                "and the execution its report cadence; targets are set for: %(allowed)s."
            )
            % {
                "kinds": "、".join(unknown),
                "allowed": "、".join(f"{key} ({target_label(key)})" for key in DEFAULT_STEP_TARGETS),
            },
        )
    for key, days in value.items():
        if not _is_whole(days) or not 1 <= days <= MAX_TARGET_WORKING_DAYS:
            raise ProcedureError(
                "profile.targets",
                _("A target is a whole number of working days from 1 to %(most)s; “%(kind)s” was given %(value)s.")
                % {"most": MAX_TARGET_WORKING_DAYS, "kind": target_label(key), "value": str(days)[:40]},
            )
    return {**DEFAULT_STEP_TARGETS, **value}


def clean_reminders(value) -> list[int]:
    """The reminders before a due date: whole working days from 0 (on the day) to 30, at least one, largest first."""
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(_is_whole(day) and 0 <= day <= MAX_REMINDER_WORKING_DAYS for day in value)
    ):
        raise ProcedureError(
            "profile.reminders",
            _(
                "Reminders are given in whole working days before a due date, from 0 (on the day) to %(most)s, at "
                "least one: e.g. [3, 1, 0]."
            )
            % {"most": MAX_REMINDER_WORKING_DAYS},
        )
    return sorted(set(value), reverse=True)


@transaction.atomic
def update_procedure_profile(*, organ: Organization, actor: User | None, **fields) -> ProcedureProfile:
    """The organ tightens Decree 713's numbers or changes its targets; a ledger event. The law's periods already
    running keep their dates (the review period and the comment minimum are kept with their records); a change of
    the numbers the other due dates are computed from (targets, hearing notice, evaluation timing) moves the due
    dates of the organ's steps still waited on, each with a `step.due_moved` event."""
    if actor is not None:
        ensure_allowed(actor, Action.EDIT_PROFILE, organ)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    for name in WHOLE_NUMBER_FIELDS:
        if fields.get(name) is not None and not _is_whole(fields[name]):
            raise ProcedureError(
                "profile.number",
                _("“%(field)s” is a whole number.") % {"field": ProcedureProfile._meta.get_field(name).verbose_name},
            )
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
    for name in (
        "evaluation_after_months",
        "evaluation_within_months_after_term",
        "adjustment_after_evaluation_days",
        "problem_reports_for_evaluation",
    ):
        if fields.get(name) is not None and not 1 <= fields[name] <= 365:
            raise ProcedureError("profile.period", _("A period in the profile lies between 1 and 365."))
    escalation = fields.get("escalate_after_working_days")
    if escalation is not None and not 1 <= escalation <= MAX_ESCALATION_WORKING_DAYS:
        raise ProcedureError(
            "profile.escalation",
            _("The legal office is told of an overdue step from 1 to %(most)s working days after its due date.")
            % {"most": MAX_ESCALATION_WORKING_DAYS},
        )
    if "reminder_days_before_due" in fields:
        fields["reminder_days_before_due"] = clean_reminders(fields["reminder_days_before_due"])
    if "step_target_working_days" in fields:
        fields["step_target_working_days"] = clean_step_targets(fields["step_target_working_days"])
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
    moved_basis = [name for name in DUE_DATE_FIELDS if name in fields and before[name] != fields[name]]
    if moved_basis:
        changed = "、".join(str(ProcedureProfile._meta.get_field(name).verbose_name) for name in moved_basis)
        recompute_due_dates(
            steps_waited_on().filter(organ=organ),
            actor=actor,
            reason=_("procedure profile changed: %(fields)s") % {"fields": changed},
        )
    return profile
