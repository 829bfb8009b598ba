"""Notices to staff, the mail outbox, citizens who follow a decision or a catalog, and the worker's heartbeat.

Due times live on the steps (decisions.Step.due_on); this app only records what it told whom, once: a notice is a
unique row per (recipient, step, threshold), so a scan run twice, or two scans at once, tells nobody twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One thing the workspace tells one member of staff: a reminder, an overdue step, a calendar gap."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Overdue, escalated")
        CALENDAR = "calendar", _("Holiday calendar")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    step = models.ForeignKey(
        "decisions.Step", verbose_name=_("step"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Which reminder this is: "before:3", "before:1", "before:0", "overdue:2026-12-01", "calendar:2027:2026-11-02".
    threshold = models.CharField(_("threshold"), max_length=40)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When the notice went into the outbox: at once, or in the recipient's daily digest.
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "step", "threshold"],
                name="notice_once_per_step_threshold",
                condition=models.Q(step__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["recipient", "threshold"],
                name="notice_once_per_threshold",
                condition=models.Q(step__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_inbox_idx"),
            models.Index(fields=["recipient"], name="notice_unread_idx", condition=models.Q(read_at__isnull=True)),
            models.Index(fields=["id"], name="notice_unmailed_idx", condition=models.Q(mailed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.subject


class NoticePreference(models.Model):
    """How a member of staff wants notices by e-mail: each one at once, or one digest a day."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Each notice at once")
        DIGEST = "digest", _("One daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notice_preference"
    )
    email_mode = models.CharField(_("e-mail"), max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_mode_display()}"


class OutgoingMail(models.Model):
    """A mail that must not be lost, written in the transaction of the act that causes it and relayed by the ticker.

    `key` makes queuing idempotent (the same notice, digest or confirmation is queued once). The relay claims a row
    for a lease, sends it, then marks it sent; a relay killed mid-send leaves the claim to expire and the next relay
    sends it (with the same Message-ID, so a mail server that saw it already can drop the copy).
    """

    key = models.CharField(_("key"), max_length=160, unique=True)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["send_after", "id"], name="outbox_pending_idx", condition=models.Q(sent_at=None)),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class Follow(models.Model):
    """A citizen's e-mail address following one decision or one organ's catalog (no account; double opt-in)."""

    email = models.EmailField(_("e-mail address"))
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organ = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("catalog of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__isnull=False, organ__isnull=True)
                | models.Q(decision__isnull=True, organ__isnull=False),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["email", "decision"],
                name="follow_once_per_decision",
                condition=models.Q(decision__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["email", "organ"], name="follow_once_per_organ", condition=models.Q(organ__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.decision or self.organ}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Heartbeat(models.Model):
    """When a background process last ran (the ticker): /readyz reports a worker whose beat is too old."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"
