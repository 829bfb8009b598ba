"""The annual catalog of major administrative decisions (Decree 713 Art. 3) and the suggestions asked for it.

A `Catalog` is one organ's catalog for one year: compiled (编制) by the government office, reviewed entry by entry
(审核) by the legal office, approved (审定) at an executive meeting, published (公布) as version 1, and adjusted (调整)
during the year, each adjustment published as a new `CatalogVersion`. A version keeps a snapshot of the public
entries (plain data, never the confidential ones), so what was published is never rewritten. Every change is a
service of `catalog/services.py`; reads are `catalog/selectors.py`.

Field names are read by the portal (`catalog.selectors`): keep them stable.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.models import Decision
from decisions.procedure import MeetingOutcome


class SuggestionWindow(models.Model):
    """The period in which the public, departments and lower governments may suggest matters for an organ's catalog
    of a year (征集)."""

    organ = models.ForeignKey(
        Organization, verbose_name=_("decision organ"), on_delete=models.PROTECT, related_name="suggestion_windows"
    )
    year = models.PositiveSmallIntegerField(_("catalog year"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    description = models.TextField(_("description"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion window")
        verbose_name_plural = _("suggestion windows")
        ordering = ["-year", "organ_id", "-opens_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organ} {self.year} ({self.opens_on}–{self.closes_on})"


class Suggestion(models.Model):
    """A matter suggested for the catalog. The contact is personal information: masked in staff lists, never public.
    The receipt number (e.g. ZJ-2027-000123) finds the answer on the portal."""

    class Source(models.TextChoices):
        PUBLIC = "public", _("The public")
        DEPARTMENT = "department", _("A department")
        LOWER_GOVERNMENT = "lower_government", _("A lower-level government")

    class Answer(models.TextChoices):
        PENDING = "", _("Not yet answered")
        TAKEN = "taken", _("Taken into the catalog")
        NOT_TAKEN = "not_taken", _("Not taken into the catalog")

    window = models.ForeignKey(
        SuggestionWindow, verbose_name=_("suggestion window"), on_delete=models.PROTECT, related_name="suggestions"
    )
    receipt_number = models.CharField(_("receipt number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"))
    suggested_unit = models.CharField(_("suggested undertaking unit"), max_length=200, blank=True)
    submitter_name = models.CharField(_("submitter's name"), max_length=100)
    contact = models.CharField(_("contact (telephone or e-mail)"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("submitting organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization_name = models.CharField(_("submitter's organization"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PUBLIC)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, blank=True, default="")
    answer_reason = models.TextField(_("reason for the answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry = models.ForeignKey(
        "CatalogEntry",
        verbose_name=_("catalog entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )

    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("why hidden"), blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["window_id", "id"]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.title}"


class Catalog(models.Model):
    """One organ's catalog of major administrative decisions for one year."""

    class Status(models.TextChoices):
        COMPILING = "compiling", _("Being compiled")
        IN_REVIEW = "in_review", _("In legality review")
        APPROVED = "approved", _("Approved, to be published")
        PUBLISHED = "published", _("Published")
        ADJUSTING = "adjusting", _("Being adjusted")

    organ = models.ForeignKey(
        Organization, verbose_name=_("decision organ"), on_delete=models.PROTECT, related_name="catalogs"
    )
    year = models.PositiveSmallIntegerField(_("catalog year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.COMPILING, db_index=True
    )
    publish_confidential_count = models.BooleanField(
        _("publish the number of lawfully confidential entries"), default=False
    )
    # The executive meetings that discussed the catalog (审定), kept as the procedure's own meeting records (each
    # member's view, the head speaking last); the latest adopted one approved it.
    meetings = models.ManyToManyField(
        "decisions.Meeting", verbose_name=_("executive meetings"), blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The adjustment under way (between start_adjustment and publish_adjustment).
    adjustment_reason = models.TextField(_("reason for the adjustment under way"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("catalog")
        verbose_name_plural = _("catalogs")
        ordering = ["-year", "organ_id"]
        constraints = [models.UniqueConstraint(fields=["organ", "year"], name="catalog_unique_per_organ_year")]

    def __str__(self) -> str:
        return str(_("Catalog %(year)s of %(organ)s") % {"year": self.year, "organ": self.organ})

    @property
    def approval_meeting(self):
        """The meeting that approved the catalog (None before one did)."""
        adopted = [meeting for meeting in self.meetings.all() if meeting.outcome == MeetingOutcome.ADOPTED]
        return max(adopted, key=lambda meeting: (meeting.held_on, meeting.pk), default=None)


class CatalogEntry(models.Model):
    """One matter in a catalog. The flags are the decision's (decisions.services.DECISION_FIELDS): they decide which
    steps the decision created at publication requires."""

    class Review(models.TextChoices):
        DRAFT = "draft", _("Being compiled")
        PENDING = "pending", _("Awaiting the legal office")
        APPROVED = "approved", _("Approved by the legal office")
        RETURNED = "returned", _("Returned by the legal office")

    class Change(models.TextChoices):
        NONE = "", _("No change")
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")

    catalog = models.ForeignKey(Catalog, verbose_name=_("catalog"), on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveSmallIntegerField(_("entry number"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    scope_category = models.CharField(
        _("scope (Decree 713 Art. 3)"), max_length=30, choices=Decision.ScopeCategory.choices
    )
    undertaking_unit = models.ForeignKey(
        Organization, verbose_name=_("undertaking unit"), on_delete=models.PROTECT, related_name="catalog_entries"
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    planned_completion = models.CharField(
        _("planned completion (a quarter like 2027Q3, or a date)"), max_length=10, blank=True
    )
    affects_public_interest = models.BooleanField(_("affects the public interest or many people"), default=True)
    is_technical = models.BooleanField(_("professional or technical matter"), default=False)
    has_stability_risk = models.BooleanField(
        _("may affect social stability, safety, environment or finance"), default=False
    )
    affects_market_entities = models.BooleanField(_("touches market entities' economic activity"), default=False)
    touches_other_departments = models.BooleanField(_("touches other departments' duties"), default=False)
    requires_hearing = models.BooleanField(_("hearing planned"), default=False)
    in_congress_report_list = models.BooleanField(_("report to the people's congress needed"), default=False)
    is_confidential = models.BooleanField(_("lawfully confidential"), default=False)
    confidential_reason = models.TextField(_("legal basis for confidentiality"), blank=True)

    decision = models.OneToOneField(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalog_entry",
    )

    review_status = models.CharField(
        _("review"), max_length=20, choices=Review.choices, default=Review.DRAFT, db_index=True
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # An adjustment under way: what it does to this entry and why (applied when the adjustment is published).
    pending_change = models.CharField(
        _("change in the adjustment under way"), max_length=10, choices=Change.choices, blank=True, default=""
    )
    change_reason = models.TextField(_("reason for the change"), blank=True)
    # Removed entries are kept (never deleted): a removal before publication, or by a published adjustment.
    removed = models.BooleanField(_("removed"), default=False)
    removal_reason = models.TextField(_("reason for the removal"), blank=True)
    # The terms of the keyword search (catalog/search.py), kept by the services that write the title and summary.
    search_text = models.TextField(_("search terms"), blank=True, default="", editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("catalog entry")
        verbose_name_plural = _("catalog entries")
        ordering = ["catalog_id", "number"]
        constraints = [models.UniqueConstraint(fields=["catalog", "number"], name="catalog_entry_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CatalogVersion(models.Model):
    """A published version of a catalog: 1 at publication, then one per published adjustment. `entries` is the
    snapshot of the public entries (plain data: number, title, summary, scope_category, undertaking_unit (name),
    undertaking_unit_id, legal_basis, planned_completion, requires_hearing, in_congress_report_list, decision_id,
    decision_number); confidential entries are only counted, in `confidential_count`, when the organ chose to."""

    catalog = models.ForeignKey(Catalog, verbose_name=_("catalog"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.TextField(_("reason"), blank=True)
    entries = models.JSONField(_("public entries"), default=list)
    confidential_count = models.PositiveSmallIntegerField(_("lawfully confidential entries"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("catalog version")
        verbose_name_plural = _("catalog versions")
        ordering = ["catalog_id", "number"]
        constraints = [models.UniqueConstraint(fields=["catalog", "number"], name="catalog_version_unique")]

    def __str__(self) -> str:
        return f"{self.catalog} v{self.number}"
