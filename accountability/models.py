from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .hashing import epoch_microseconds


class LedgerEvent(models.Model):
    """One append-only event of the audit ledger. The database refuses UPDATE, DELETE and TRUNCATE (migration 0002)."""

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    decision_id = models.BigIntegerField(_("decision"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    client_address = models.CharField(_("client address"), max_length=64, blank=True)
    algorithm = models.CharField(_("hash algorithm"), max_length=10)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="ledger_object_idx"),
            # A decision's events, newest first, a page at a time (the decision page's ledger section).
            models.Index(fields=["decision_id", "id"], name="ledger_decision_id_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr}"

    def canonical_payload(self) -> dict:
        """Exactly what the hash covers: every recorded field except the id and the hashes themselves."""
        return {
            "occurred_at_us": epoch_microseconds(self.occurred_at),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "role": self.role,
            "organization_id": self.organization_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "decision_id": self.decision_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "client_address": self.client_address,
            "algorithm": self.algorithm,
        }
