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


def comment_attachment_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower()
    sha = instance.attachment_sha256 or "0" * 64
    return f"opinions/{instance.consultation_id}/{sha[:2]}/{sha}.{extension}"


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
    # An optional attachment, checked by type, content and size (decisions.uploads); never public.
    attachment = models.FileField(
        _("Attachment"), upload_to=comment_attachment_path, max_length=300, blank=True, default=""
    )
    attachment_name = models.CharField(_("Attachment's file name"), max_length=255, blank=True)
    attachment_type = models.CharField(_("Attachment's content type"), max_length=100, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("Attachment's size (bytes)"), null=True, blank=True)
    attachment_sha256 = models.CharField(_("Attachment's SHA-256"), max_length=64, blank=True)
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


class FeedbackReport(models.Model):
    """The report on how the opinions were answered (意见采纳情况反馈, Art. 18, 32): generated from the opinions (counts
    per channel, themes, answers and reasons), approved by the unit's head, then public on the portal and carried
    into the publication's explanation. Regenerated while not approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting the head's approval")
        PUBLISHED = "published", _("Approved and published")

    consultation = models.OneToOneField(
        Consultation, verbose_name=_("consultation"), on_delete=models.PROTECT, related_name="feedback_report"
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("Summary of how the opinions were used"))
    # What the report says, frozen when generated: counts per channel and per answer, each theme and each answered
    # opinion (receipt number, clause, answer, reason — no name, no contact).
    facts = models.JSONField(_("Figures of the report"), default=dict)
    generated_by = _staff(_("generated by"))
    generated_at = models.DateTimeField(_("Generated at"), default=timezone.now)
    approved_by = _staff(_("approved by"))
    published_at = models.DateTimeField(_("Approved and published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback report")
        verbose_name_plural = _("feedback reports")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.consultation_id}"


class Hearing(StepRecord):
    """A hearing on the draft (Art. 16–17): announced on the portal (matter, time, place, how to apply, how the
    participants are selected), applications registered, participants selected to represent the interests
    concerned (method and result published), materials sent the organ's minimum days before (7), and the record of
    who spoke and what they said, confirmed by the participants."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        ANNOUNCED = "announced", _("Announced: taking applications")
        SELECTED = "selected", _("Participants selected")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    hearing_date = models.DateField(_("Hearing date"), null=True)
    materials_sent_on = models.DateField(_("Materials sent to participants on"), null=True)
    selection_method_published = models.BooleanField(_("Selection method published in advance"), default=False)
    participants_published = models.BooleanField(_("Participant list published in advance"), default=False)
    record_signed = models.BooleanField(_("Participants confirmed and signed the record"), default=False)
    # The hearing as announced and run (participation.hearings sets these; the booleans above follow from them).
    matter = models.CharField(_("Matter of the hearing"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("Time of the hearing"), null=True, blank=True)
    place = models.CharField(_("Place"), max_length=300, blank=True)
    how_to_apply = models.TextField(_("How to apply"), blank=True)
    applications_close_on = models.DateField(_("Applications close on"), null=True, blank=True)
    selection_method = models.TextField(_("How participants are selected"), blank=True)
    seats = models.PositiveSmallIntegerField(_("Number of participants"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    announced_at = models.DateTimeField(_("Announced at"), null=True, blank=True)
    selection_result = models.TextField(_("Result of the selection (published)"), blank=True)
    selected_at = models.DateTimeField(_("Participants selected at"), null=True, blank=True)
    held_at = models.DateTimeField(_("Record taken at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("Public reason for the cancellation"), blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")


class HearingApplication(models.Model):
    """Someone's application to take part in a hearing. Name and contact are personal information: never public;
    the receipt number (with the contact) reads the application's outcome on the portal."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Not decided yet")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    hearing = models.ForeignKey(
        Hearing, verbose_name=_("hearing"), on_delete=models.PROTECT, related_name="applications"
    )
    receipt_number = models.CharField(_("Receipt number"), max_length=24, unique=True)
    name = models.CharField(_("Name"), max_length=50)
    contact = models.CharField(_("Contact"), max_length=100)
    organization = models.CharField(_("Organization"), max_length=200, blank=True)
    # The interest the applicant speaks for (operators, consumers, residents, experts …): selection represents each.
    interest = models.CharField(_("Interest represented"), max_length=100)
    statement = models.TextField(_("What they wish to say"), blank=True)
    submitted_at = models.DateTimeField(_("Submitted at"), default=timezone.now)
    outcome = models.CharField(_("Outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.CharField(_("Note on the outcome"), max_length=300, blank=True)
    # The participant confirmed the record of the hearing (Art. 17), on paper (recorded by staff) or on the portal.
    record_confirmed_at = models.DateTimeField(_("Confirmed the record at"), null=True, blank=True)
    record_confirmed_via = models.CharField(_("Confirmed through"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("hearing application")
        verbose_name_plural = _("hearing applications")
        ordering = ["hearing", "submitted_at", "id"]

    def __str__(self) -> str:
        return self.receipt_number


class HearingStatement(models.Model):
    """One contribution in the record of a hearing: who spoke (a selected participant, or an official named with
    their role) and what they said, in speaking order."""

    hearing = models.ForeignKey(Hearing, verbose_name=_("hearing"), on_delete=models.PROTECT, related_name="statements")
    order = models.PositiveIntegerField(_("Order"))
    participant = models.ForeignKey(
        HearingApplication,
        verbose_name=_("participant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    speaker = models.CharField(_("Speaker"), max_length=100)
    text = models.TextField(_("What was said"))
    recorded_by = _staff(_("recorded by"))
    recorded_at = models.DateTimeField(_("Recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("statement at the hearing")
        verbose_name_plural = _("statements at the hearing")
        ordering = ["hearing", "order"]
        constraints = [
            models.UniqueConstraint(fields=["hearing", "order"], name="hearing_statement_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.speaker}"
