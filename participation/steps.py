"""What public participation tells the procedure (registered in `ParticipationConfig.ready()`): the consultation and
hearing records, and what each needs before the unit may submit it (Decree 713 Art. 14–18)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions.deadlines import target_due
from decisions.errors import ProcedureError
from decisions.procedure import StepKind
from decisions.registry import StepOwner, register_step
from decisions.services import profile_for
from workdays.calendar import on_date, period_end, working_day_on_or_before

from .forms import ConsultationForm, HearingForm
from .models import Consultation, Hearing
from .selectors import unanswered_comments

# The fields the consultation's set-up fixes (participation.services): the step's form may not change them after.
SET_UP_FIELDS = ("comment_start", "comment_end", "short_period_reason", "channels")


def consultation_record_refusal(consultation: Consultation) -> ProcedureError | None:
    start, end = consultation.comment_start, consultation.comment_end
    if start and end and end <= start:
        return ProcedureError(
            "step.period_order", _("The comment period must end after it starts."), fields=("comment_end",)
        )
    if consultation.pk and consultation.status != Consultation.Status.DRAFT:
        stored = Consultation.objects.filter(pk=consultation.pk).values(*SET_UP_FIELDS).first() or {}
        changed = tuple(
            name for name in SET_UP_FIELDS if name in stored and stored[name] != getattr(consultation, name)
        )
        if changed:
            return ProcedureError(
                "consultation.set_up_fixed",
                _(
                    "The consultation was set up: its period and channels are changed by setting it up again, or by "
                    "withdrawing it."
                ),
                fields=changed,
            )
    return None


def consultation_submission_refusal(decision, step, consultation: Consultation) -> ProcedureError | None:
    """Rule 3: at least the profile's days (30 under Decree 713), start day not counted, ending on a working day;
    submitted once the period has closed (Art. 18: the opinions are studied and answered afterwards)."""
    start, end = consultation.comment_start, consultation.comment_end
    if consultation.status == Consultation.Status.WITHDRAWN:
        return ProcedureError(
            "participation.withdrawn",
            _("The consultation was withdrawn; redo the step to hold a new one before submitting it."),
        )
    if end >= timezone.localdate():
        return ProcedureError(
            "rule3.still_open",
            _("The comment period runs until %(end)s; the step is submitted after it has closed.")
            % {"end": end.isoformat()},
        )
    # The minimum in force when the consultation opened (kept with it), else the organ's current one.
    minimum_days = consultation.minimum_comment_days or profile_for(decision.organ).min_comment_days
    earliest_end = period_end(start, minimum_days)
    has_reason = (consultation.urgency_reason or consultation.short_period_reason).strip()
    if end < earliest_end.value and not has_reason:
        return ProcedureError(
            "rule3.period_too_short",
            _(
                "Rule 3: a public comment period lasts at least %(days)s days; from %(start)s it ends no earlier than "
                "%(end)s. A shorter period needs a published reason."
            )
            % {"days": minimum_days, "start": start.isoformat(), "end": earliest_end.value.isoformat()},
        )
    # Art. 18: every opinion received is studied and answered (alone or by its theme); a hidden one is not answered.
    unanswered = unanswered_comments(consultation).count()
    if unanswered:
        return ProcedureError(
            "participation.unanswered",
            ngettext(
                "%(count)s opinion received has no answer yet; answer it (or its theme) before submitting the step.",
                "%(count)s opinions received have no answer yet; answer them (or their themes) before submitting the "
                "step.",
                unanswered,
            )
            % {"count": unanswered},
        )
    return None


def keep_the_minimum_in_force(step, profile) -> None:
    """When the consultation opens, the organ's minimum then in force is kept with it."""
    Consultation.objects.update_or_create(step=step, defaults={"minimum_comment_days": profile.min_comment_days})


def hearing_record_refusal(hearing: Hearing) -> ProcedureError | None:
    if hearing.hearing_date and hearing.materials_sent_on and hearing.materials_sent_on > hearing.hearing_date:
        return ProcedureError(
            "step.period_order",
            _("The hearing materials are sent before the hearing, not after it."),
            fields=("materials_sent_on",),
        )
    return None


def hearing_submission_refusal(decision, step, hearing: Hearing) -> ProcedureError | None:
    """Art. 16–17: held before its record is submitted, materials sent the profile's days ahead (7), the selection
    method and the participants published in advance, the record signed."""
    if hearing.hearing_date > timezone.localdate():
        return ProcedureError(
            "hearing.not_held",
            _("The hearing is on %(date)s; its record is submitted after it is held.")
            % {"date": hearing.hearing_date.isoformat()},
        )
    notice_days = profile_for(decision.organ).min_hearing_notice_days
    latest = hearing.hearing_date - timedelta(days=notice_days)
    if hearing.materials_sent_on > latest:
        return ProcedureError(
            "hearing.materials_late",
            _(
                "Decree 713 Art. 16: hearing materials reach participants at least %(days)s days before the "
                "hearing (by %(date)s)."
            )
            % {"days": notice_days, "date": latest.isoformat()},
        )
    conditions = ("selection_method_published", "participants_published", "record_signed")
    unmet = [str(Hearing._meta.get_field(name).verbose_name) for name in conditions if not getattr(hearing, name)]
    if unmet:
        return ProcedureError(
            "hearing.incomplete", _("Decree 713 Art. 16–17: not yet done: %(items)s.") % {"items": "、".join(unmet)}
        )
    return None


def consultation_due(step, consultation: Consultation | None, profile):
    """Art. 15: the consultation is due when its comment period ends (the record's end date); until the record
    gives one, the organ's target for the step."""
    if consultation is not None and consultation.comment_end:
        return on_date(consultation.comment_end)
    return target_due(step, profile)


def hearing_due(step, hearing: Hearing | None, profile):
    """Art. 16: the materials reach the participants the profile's days (7) before the hearing — the step is due
    then (the working day before, when that day is a rest day). Once the record shows them sent in time, the next
    date is the hearing itself, after which its record is submitted. Without a hearing date: the organ's target."""
    if hearing is None or hearing.hearing_date is None:
        return target_due(step, profile)
    materials_by = hearing.hearing_date - timedelta(days=profile.min_hearing_notice_days)
    if hearing.materials_sent_on is not None and hearing.materials_sent_on <= materials_by:
        return on_date(hearing.hearing_date)
    return working_day_on_or_before(materials_by)


def register() -> None:
    register_step(
        StepOwner(
            kind=StepKind.PUBLIC_PARTICIPATION,
            record_model=Consultation,
            form_class=ConsultationForm,
            record_refusal=consultation_record_refusal,
            submission_refusal=consultation_submission_refusal,
            on_open=keep_the_minimum_in_force,
            needs_document=True,
            due_date=consultation_due,
        )
    )
    register_step(
        StepOwner(
            kind=StepKind.HEARING,
            record_model=Hearing,
            form_class=HearingForm,
            record_refusal=hearing_record_refusal,
            submission_refusal=hearing_submission_refusal,
            needs_document=True,
            due_date=hearing_due,
        )
    )
