"""The records of public participation (Decree 713 Art. 14–18): the consultation and the hearing of a decision's step.

Each record belongs to one round of its step (`step`, one to one). The procedure reads nothing of these models: what
it needs it is told through the `decisions` services (see `participation/steps.py`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models import StepRecord


def _staff(verbose_name):
    """A staff member who did something to the consultation (kept: never deleted)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class OpinionAnswer(models.TextChoices):
    """How an opinion (or a theme of opinions) was answered (Art. 18: the opinions are studied and answered)."""

    NONE = "", _("Not answered yet")
    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class Consultation(StepRecord):
    """The public consultation on a draft (Art. 14–15): the draft and its explanation are published, comments are
    taken for a period computed from the organ's minimum (30 days), then studied and answered."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open for comments")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

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
    # The consultation as it is published and run (set up by `services.set_up_consultation`, not by the form).
    title = models.CharField(_("Title of the draft"), max_length=300, blank=True)
    draft_text = models.TextField(_("Text of the draft"), blank=True)
    explanation = models.TextField(_("Explanation of the draft"), blank=True)
    questions = models.TextField(_("Questions asked"), blank=True)
    urgency_reason = models.TextField(_("Public reason for a shorter period"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(_("Opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("Withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("Public reason for the withdrawal"), blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            # The clock: scheduled ones whose start has come, open ones whose end has passed.
            models.Index(fields=["status", "comment_start"], name="consultation_status_start"),
            models.Index(fields=["status", "comment_end"], name="consultation_status_end"),
        ]


class Clause(models.Model):
    """One clause (条) of the draft, as `clauses.split_clauses` found it: what a comment may be about."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="clauses"
    )
    order = models.PositiveIntegerField(_("Order"))
    number = models.PositiveIntegerField(_("Clause number"))
    label = models.CharField(_("Label"), max_length=40)
    chapter = models.CharField(_("Chapter"), max_length=500, blank=True)
    text = models.TextField(_("Text"))

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["consultation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "order"], name="clause_unique_order"),
        ]

    def __str__(self) -> str:
        return self.label


class Theme(models.Model):
    """Opinions grouped under one question, answered once: a theme's answer answers each of its opinions."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.PROTECT, related_name="themes"
    )
    title = models.CharField(_("Theme"), max_length=200)
    answer = models.CharField(_("Answer"), max_length=20, choices=OpinionAnswer.choices, blank=True, default="")
    answer_reason = models.TextField(_("Reason of the answer"), blank=True)
    answered_by = _staff(_("answered by"))
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    created_by = _staff(_("created by"))
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)

    class Meta:
        verbose_name = _("theme of opinions")
        verbose_name_plural = _("themes of opinions")
        ordering = ["consultation", "id"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """An opinion on the draft (online, or entered by staff from a symposium, a visit, a letter, the press). Name and
    contact are personal information: never public, never in the ledger (the receipt number stands for it)."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        SYMPOSIUM = "symposium", _("Symposium")
        FIELD_VISIT = "field_visit", _("Field visit")
        LETTER = "letter", _("Letter")
        NEWSPAPER = "newspaper", _("Newspaper")
        OTHER = "other", _("Other")

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.PROTECT, related_name="comments"
    )
    # None: the opinion is on the draft as a whole.
    clause = models.ForeignKey(
        Clause, verbose_name=_("clause"), null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    receipt_number = models.CharField(_("Receipt number"), max_length=24, unique=True)
    name = models.CharField(_("Name"), max_length=50)
    contact = models.CharField(_("Contact"), max_length=100, blank=True)
    organization = models.CharField(_("Organization"), max_length=200, blank=True)
    text = models.TextField(_("Opinion"))
    channel = models.CharField(_("Channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = _staff(_("entered by"))
    submitted_at = models.DateTimeField(_("Submitted at"), default=timezone.now)
    # The opinion's normalised text, hashed: identical opinions sent many times are grouped (each still counted).
    duplicate_key = models.CharField(_("Duplicate key"), max_length=64, db_index=True, editable=False)
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    answer = models.CharField(_("Answer"), max_length=20, choices=OpinionAnswer.choices, blank=True, default="")
    answer_reason = models.TextField(_("Reason of the answer"), blank=True)
    answered_by = _staff(_("answered by"))
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    is_hidden = models.BooleanField(_("Hidden"), default=False)
    hidden_reason = models.TextField(_("Why it was hidden"), blank=True)
    hidden_by = _staff(_("hidden by"))
    hidden_at = models.DateTimeField(_("Hidden at"), null=True, blank=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["consultation", "submitted_at", "id"]
        indexes = [
            models.Index(fields=["consultation", "submitted_at", "id"], name="comment_in_order"),
            models.Index(fields=["consultation", "clause"], name="comment_per_clause"),
        ]

    def __str__(self) -> str:
        return self.receipt_number  # never the name: this is what the ledger and the logs show


class Hearing(StepRecord):
    hearing_date = models.DateField(_("Hearing date"), null=True)
    materials_sent_on = models.DateField(_("Materials sent to participants on"), null=True)
    selection_method_published = models.BooleanField(_("Selection method published in advance"), default=False)
    participants_published = models.BooleanField(_("Participant list published in advance"), default=False)
    record_signed = models.BooleanField(_("Participants confirmed and signed the record"), default=False)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
