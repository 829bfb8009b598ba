"""The records of public participation (Decree 713 Art. 14–18): the consultation and the hearing of a decision's step.

Each record belongs to one round of its step (`step`, one to one). The procedure reads nothing of these models: what
it needs it is told through the `decisions` services (see `participation/steps.py`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from decisions.models import StepRecord


class Consultation(StepRecord):
    comment_start = models.DateField(_("Comment period starts"), null=True)
    comment_end = models.DateField(_("Comment period ends"), null=True)
    short_period_reason = models.TextField(_("Published reason for a shorter period"), blank=True)
    channels = models.CharField(_("Where the draft and its explanation were published"), max_length=500)
    comments_received = models.PositiveIntegerField(_("Comments received"), null=True)
    feedback_summary = models.TextField(_("How the opinions were adopted (feedback)"))
    # The organ's minimum when the consultation opened: a later change of the profile does not move it.
    minimum_comment_days = models.PositiveSmallIntegerField(
        _("Minimum comment period (days) when opened"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")


class Hearing(StepRecord):
    hearing_date = models.DateField(_("Hearing date"), null=True)
    materials_sent_on = models.DateField(_("Materials sent to participants on"), null=True)
    selection_method_published = models.BooleanField(_("Selection method published in advance"), default=False)
    participants_published = models.BooleanField(_("Participant list published in advance"), default=False)
    record_signed = models.BooleanField(_("Participants confirmed and signed the record"), default=False)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
