"""What public participation tells the procedure (registered in `ParticipationConfig.ready()`): the consultation and
hearing records, and what each needs before the unit may submit it (Decree 713 Art. 14–18)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions.deadlines import target_due
from decisions.errors import ProcedureError
from decisions.procedure import StepKind
from decisions.registry import StepOwner, register_publication_explanation, register_step
from decisions.services import profile_for
from workdays.calendar import on_date, period_end, working_day_on_or_before

from .forms import ConsultationForm, HearingForm
from .models import Consultation, FeedbackReport, Hearing
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
    # Art. 18: a consultation run here answers its opinions in a published feedback report.
    if (
        consultation.status == Consultation.Status.CLOSED
        and not FeedbackReport.objects.filter(
            consultation=consultation, status=FeedbackReport.Status.PUBLISHED
        ).exists()
    ):
        return ProcedureError(
            "participation.no_feedback_report",
            _(
                "Decree 713 Art. 18: the feedback report on how the opinions were answered is approved by the unit's "
                "head and published before the step is submitted."
            ),
        )
    return None


def keep_the_minimum_in_force(step, profile) -> None:
    """When the consultation opens, the organ's minimum then in force is kept with it."""
    Consultation.objects.update_or_create(step=step, defaults={"minimum_comment_days": profile.min_comment_days})


# The fields the hearing's services set (participation.hearings): the step's form may not change them once announced.
HEARING_FIXED_FIELDS = ("hearing_date", "materials_sent_on")


def hearing_record_refusal(hearing: Hearing) -> ProcedureError | None:
    if hearing.hearing_date and hearing.materials_sent_on and hearing.materials_sent_on > hearing.hearing_date:
        return ProcedureError(
            "step.period_order",
            _("The hearing materials are sent before the hearing, not after it."),
            fields=("materials_sent_on",),
        )
    if hearing.pk and hearing.status != Hearing.Status.DRAFT:
        stored = Hearing.objects.filter(pk=hearing.pk).values(*HEARING_FIXED_FIELDS).first() or {}
        changed = tuple(
            name for name in HEARING_FIXED_FIELDS if name in stored and stored[name] != getattr(hearing, name)
        )
        if changed:
            return ProcedureError(
                "hearing.set_up_fixed",
                _(
                    "The hearing was announced: its date changes by announcing it again, and the materials are "
                    "recorded on the hearing's page."
                ),
                fields=changed,
            )
    return None


def hearing_submission_refusal(decision, step, hearing: Hearing) -> ProcedureError | None:
    """Art. 16–17: announced on the portal with the selection method, the participants selected and the result
    published, the materials sent the profile's days ahead (7), held, and the record confirmed by every participant
    who spoke and filed among the step's documents (participation.hearings does each)."""
    if hearing.status == Hearing.Status.CANCELLED:
        return ProcedureError(
            "hearing.cancelled", _("The hearing was cancelled; redo the step to hold a new one before submitting it.")
        )
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
    if hearing.status == Hearing.Status.DRAFT or not hearing.selection_method_published:
        return ProcedureError(
            "hearing.not_announced",
            _(
                "Decree 713 Art. 16: the hearing is announced on the portal (matter, time, place, how to apply and "
                "how the participants are selected) before it is held."
            ),
        )
    if not hearing.participants_published:
        return ProcedureError(
            "hearing.not_selected",
            _("Decree 713 Art. 16: the participants are selected and the result published before the hearing."),
        )
    if not hearing.record_signed or hearing.status != Hearing.Status.HELD:
        waiting = hearing.applications.filter(outcome="selected", statements__isnull=False).filter(
            record_confirmed_at__isnull=True
        )
        count = waiting.distinct().count()
        return ProcedureError(
            "hearing.record_unconfirmed",
            ngettext(
                "Decree 713 Art. 17: the record of the hearing is confirmed by the participants; %(count)s who spoke "
                "has not confirmed it yet.",
                "Decree 713 Art. 17: the record of the hearing is confirmed by the participants; %(count)s who spoke "
                "have not confirmed it yet.",
                count,
            )
            % {"count": count}
            if count
            else _(
                "Decree 713 Art. 17: the record of the hearing is taken and confirmed by the participants who spoke."
            ),
        )
    if not step.documents.filter(kind="record").exists():
        return ProcedureError(
            "hearing.record_not_filed", _("File the confirmed record of the hearing among the step's documents.")
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


def published_feedback(decision) -> str:
    """The summary of the decision's latest published feedback report: the start of the publication's explanation."""
    report = (
        FeedbackReport.objects.filter(consultation__step__decision=decision, status=FeedbackReport.Status.PUBLISHED)
        .order_by("-published_at")
        .only("summary")
        .first()
    )
    return report.summary if report else ""


def consultation_workspace(step) -> tuple[str, str]:
    return _("Open the consultation's workspace"), reverse("participation:consultation", args=[step.pk])


def hearing_workspace(step) -> tuple[str, str]:
    return _("Open the hearing's page"), reverse("participation:hearing", args=[step.pk])


def register() -> None:
    register_publication_explanation(published_feedback)
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
            workspace=consultation_workspace,
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
            workspace=hearing_workspace,
        )
    )
