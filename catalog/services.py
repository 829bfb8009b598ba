"""Every change of a catalog and its suggestions (docs/architecture.md): one transaction, the catalog locked, the
permission checked here, the change, one ledger event of the act itself. Publishing also drives each entry's decision
through the services of `decisions` (created, cataloged, withdrawn), which record their own events.

Refusals raise `CatalogError` (a `ProcedureError`: a code and a translated message) and change nothing.
"""

import logging
import re
from contextvars import ContextVar
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import Organization, User
from accounts.permissions import organ_id_of
from accounts.ratelimit import over_limit
from accounts.roles import Role
from decisions import services as decision_services
from decisions.bounds import refuse_date_out_of_range, refuse_year_out_of_range
from decisions.errors import ProcedureError
from decisions.models import Decision
from decisions.procedure import ENDED_STATES, MeetingOutcome, State
from decisions.services.base import optional_text, require_text
from decisions.services.lifecycle import DECISION_FLAGS

from .models import Catalog, CatalogEntry, CatalogVersion, Suggestion, SuggestionWindow
from .search import entry_search_text

log = logging.getLogger(__name__)


class CatalogError(ProcedureError):
    """A refused act on a catalog or a suggestion; `status` is the HTTP status the API answers (429: rate limit)."""

    def __init__(self, code, message, *, status: int = 400, fields=(), wait: int | None = None):
        super().__init__(code, message, fields=fields)
        self.status = status
        self.wait = wait


# The entry's own fields, as the forms and the API send them.
ENTRY_FIELDS = (
    "title",
    "summary",
    "scope_category",
    "undertaking_unit",
    "legal_basis",
    "planned_completion",
    *DECISION_FLAGS,
    "is_confidential",
    "confidential_reason",
)
TEXT_FIELDS = ("title", "summary", "legal_basis", "planned_completion", "confidential_reason")
PLANNED_COMPLETION = re.compile(r"^(?P<year>\d{4})Q[1-4]$")
# A decision of an entry removed by an adjustment is withdrawn: possible only before it is in force.
WITHDRAWABLE_STATES = frozenset({State.PROPOSED, State.CATALOGED, State.DRAFTING})
# What the government office may change, by state of the catalog.
EDITABLE_STATUSES = frozenset({Catalog.Status.COMPILING, Catalog.Status.IN_REVIEW, Catalog.Status.ADJUSTING})


# ---------------------------------------------------------------- permission


def _require_role(actor: User, role: Role, organ: Organization) -> None:
    """The actor holds `role` in `organ` (the organ-wide roles: the government office, the legal office)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise CatalogError("permission.login", _("You must be logged in."), status=403)
    if not actor.has_role(role):
        raise CatalogError("permission.role", _("Your role does not allow this action."), status=403)
    if organ_id_of(actor) != organ.pk:
        raise CatalogError("permission.scope", _("This catalog belongs to another organ."), status=403)


def may_compile(user, organ: Organization) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.GOV_OFFICE) and organ_id_of(user) == organ.pk)


def may_review(user, organ: Organization) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.LEGAL_REVIEWER) and organ_id_of(user) == organ.pk)


def _lock(catalog: Catalog) -> Catalog:
    return Catalog.objects.select_for_update().select_related("organ").get(pk=catalog.pk)


def _wrong_state(catalog: Catalog, action: str) -> CatalogError:
    return CatalogError(
        "catalog.wrong_state",
        _("“%(action)s” is not possible while the catalog is “%(state)s”.")
        % {"action": action, "state": Catalog.Status(catalog.status).label},
        status=409,
    )


def _event(actor, obj, *, action: str, after=None, before=None, reason: str = "", role: Role | None = None, **kw):
    return record_event(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
        role=role.value if role else None,
        **kw,
    )


# ---------------------------------------------------------------- suggestions (征集)


@transaction.atomic
def open_suggestion_window(
    *, actor: User, organ: Organization, year: int, opens_on: date, closes_on: date, description: str = ""
) -> SuggestionWindow:
    """The government office asks the public, its departments and the lower governments for suggestions."""
    _require_role(actor, Role.GOV_OFFICE, organ)
    refuse_year_out_of_range(year)
    refuse_date_out_of_range(opens_on, "opens_on")
    refuse_date_out_of_range(closes_on, "closes_on")
    if closes_on < opens_on:
        raise CatalogError(
            "suggestion.window_dates", _("The window cannot close before it opens."), fields=("closes_on",)
        )
    description = optional_text(description, ("description",))
    window = SuggestionWindow.objects.create(
        organ=organ, year=year, opens_on=opens_on, closes_on=closes_on, description=description, opened_by=actor
    )
    _event(
        actor,
        window,
        action="catalog.suggestions_opened",
        after={"organ_id": organ.pk, "year": year, "opens_on": opens_on, "closes_on": closes_on},
        role=Role.GOV_OFFICE,
    )
    return window


def window_is_open(window: SuggestionWindow, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return window.opens_on <= today <= window.closes_on


def check_suggestion_rate(*, client_address: str, contact: str) -> None:
    """At most SUGGESTION_RATE_PER_ADDRESS suggestions an hour from one client address and SUGGESTION_RATE_PER_CONTACT
    with one contact (like notifications.follow.check_rate); not counted when the cache does not answer (logged)."""
    window = int(getattr(settings, "SUGGESTION_RATE_WINDOW_SECONDS", 3600))
    limits = (
        ("address", client_address or "unknown", int(getattr(settings, "SUGGESTION_RATE_PER_ADDRESS", 10))),
        ("contact", contact.strip().lower(), int(getattr(settings, "SUGGESTION_RATE_PER_CONTACT", 5))),
    )
    if over_limit("suggestion", limits, window):
        raise CatalogError(
            "suggestion.rate_limited", _("Too many suggestions; try again in an hour."), status=429, wait=window
        )


def _next_receipt(year: int, skip: int = 0) -> str:
    prefix = f"ZJ-{year}-"
    numbers = Suggestion.objects.filter(receipt_number__startswith=prefix).values_list("receipt_number", flat=True)
    highest = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1 + skip:06d}"


CONTACT_PATTERN = re.compile(r"^(?:[^@\s]+@[^@\s]+\.[^@\s]+|\+?[\d\- ]{7,20})$")


@transaction.atomic
def submit_suggestion(
    window: SuggestionWindow,
    *,
    title: str,
    reason: str,
    submitter_name: str,
    contact: str,
    suggested_unit: str = "",
    organization: Organization | None = None,
    organization_name: str = "",
    source: str = Suggestion.Source.PUBLIC,
    client_address: str = "",
    today: date | None = None,
) -> Suggestion:
    """Anyone suggests a matter while the window is open (no login: the portal's form and the API call this; the
    honeypot is the form's). Rate-limited per client address and per contact. Returns the suggestion, whose receipt
    number the submitter keeps to read the answer."""
    if not window_is_open(window, today):
        raise CatalogError("suggestion.window_closed", _("Suggestions for this catalog are not being taken now."))
    title = require_text(title, "suggestion.title", _("A suggestion needs a title."), ("title",))
    reason = require_text(reason, "suggestion.reason", _("Say why the matter should be in the catalog."), ("reason",))
    submitter_name = require_text(
        submitter_name, "suggestion.name", _("Give your name (it is not published)."), ("submitter_name",)
    )
    contact = require_text(
        contact, "suggestion.contact", _("Give a telephone number or an e-mail address."), ("contact",)
    )
    suggested_unit = optional_text(suggested_unit, ("suggested_unit",))
    organization_name = optional_text(organization_name, ("organization_name",))
    limits = {"title": 200, "submitter_name": 100, "contact": 200, "suggested_unit": 200, "organization_name": 200}
    values = {"title": title, "submitter_name": submitter_name, "contact": contact}
    values |= {"suggested_unit": suggested_unit, "organization_name": organization_name}
    for name, limit in limits.items():
        if len(values[name]) > limit:
            raise CatalogError(
                "suggestion.too_long",
                _("At most %(limit)s characters.") % {"limit": limit},
                fields=(name,),
            )
    if not CONTACT_PATTERN.match(contact):
        raise CatalogError(
            "suggestion.contact",
            _("Give a telephone number or an e-mail address."),
            fields=("contact",),
        )
    if source not in Suggestion.Source.values:
        raise CatalogError("suggestion.source", _("Choose where the suggestion comes from."), fields=("source",))
    check_suggestion_rate(client_address=client_address, contact=contact)
    suggestion = Suggestion(
        window=window,
        title=title,
        reason=reason,
        submitter_name=submitter_name,
        contact=contact,
        suggested_unit=suggested_unit,
        organization=organization,
        organization_name=organization_name,
        source=source,
    )
    for attempt in range(5):
        suggestion.receipt_number = _next_receipt(window.year, skip=attempt)
        try:
            with transaction.atomic():
                suggestion.save()
            break
        except IntegrityError:
            suggestion.pk = None
    else:  # pragma: no cover - five concurrent submissions
        raise CatalogError("suggestion.receipt", _("Could not number the suggestion; try again."), status=503)
    # No personal information in the ledger: the receipt number and the window only.
    _event(
        None,
        suggestion,
        action="catalog.suggestion_submitted",
        after={"receipt_number": suggestion.receipt_number, "window": window.pk, "source": source},
        client_address=client_address or None,
    )
    return suggestion


def _lock_suggestion(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update().select_related("window__organ").get(pk=suggestion.pk)


@transaction.atomic
def answer_suggestion(*, suggestion: Suggestion, actor: User, taken: bool, reason: str) -> Suggestion:
    """The government office answers a suggestion (taken into the catalog or not, with a reason; public)."""
    suggestion = _lock_suggestion(suggestion)
    _require_role(actor, Role.GOV_OFFICE, suggestion.window.organ)
    reason = require_text(reason, "suggestion.answer_reason", _("An answer needs a reason."), ("reason",))
    return _answer(suggestion, actor, Suggestion.Answer.TAKEN if taken else Suggestion.Answer.NOT_TAKEN, reason)


def _answer(suggestion: Suggestion, actor: User, answer: str, reason: str, entry=None) -> Suggestion:
    before = {"answer": suggestion.answer, "answer_reason": suggestion.answer_reason}
    suggestion.answer, suggestion.answer_reason = answer, reason
    suggestion.answered_at, suggestion.answered_by = timezone.now(), actor
    if entry is not None:
        suggestion.entry = entry
    suggestion.save()
    _event(
        actor,
        suggestion,
        action="catalog.suggestion_answered",
        before=before,
        after={"answer": answer, "answer_reason": reason, "entry": suggestion.entry_id},
        role=Role.GOV_OFFICE,
    )
    return suggestion


@transaction.atomic
def hide_suggestion(*, suggestion: Suggestion, actor: User, reason: str) -> Suggestion:
    """Moderation: the government office hides a suggestion (abuse, personal data of others …) with a reason. It is
    never deleted; its receipt still answers that it was hidden."""
    suggestion = _lock_suggestion(suggestion)
    _require_role(actor, Role.GOV_OFFICE, suggestion.window.organ)
    reason = require_text(reason, "suggestion.hide_reason", _("Hiding a suggestion needs a reason."), ("reason",))
    if suggestion.is_hidden:
        raise CatalogError("suggestion.hidden", _("This suggestion is already hidden."), status=409)
    suggestion.is_hidden, suggestion.hidden_reason = True, reason
    suggestion.hidden_at, suggestion.hidden_by = timezone.now(), actor
    suggestion.save()
    _event(actor, suggestion, action="catalog.suggestion_hidden", reason=reason, role=Role.GOV_OFFICE)
    return suggestion


# ---------------------------------------------------------------- compiling (编制)


@transaction.atomic
def create_catalog(*, actor: User, organ: Organization, year: int, publish_confidential_count: bool = False) -> Catalog:
    """The government office starts the organ's catalog for a year (one per organ and year)."""
    _require_role(actor, Role.GOV_OFFICE, organ)
    refuse_year_out_of_range(year)
    if Catalog.objects.filter(organ=organ, year=year).exists():
        raise CatalogError(
            "catalog.exists",
            _("%(organ)s already has a catalog for %(year)s.") % {"organ": organ, "year": year},
            status=409,
            fields=("year",),
        )
    catalog = Catalog.objects.create(
        organ=organ, year=year, publish_confidential_count=publish_confidential_count, created_by=actor
    )
    _event(actor, catalog, action="catalog.created", after={"organ_id": organ.pk, "year": year}, role=Role.GOV_OFFICE)
    return catalog


def _clean_entry_fields(catalog: Catalog, fields: dict, *, partial: bool) -> dict:
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in TEXT_FIELDS:
        if name in cleaned:
            cleaned[name] = optional_text(cleaned[name], (name,))
    if (not partial or "title" in cleaned) and not cleaned.get("title"):
        raise CatalogError("entry.title", _("An entry needs a title."), fields=("title",))
    if len(cleaned.get("title", "")) > 200:
        raise CatalogError("entry.title", _("At most %(limit)s characters.") % {"limit": 200}, fields=("title",))
    if (not partial or "scope_category" in cleaned) and cleaned.get("scope_category") not in (
        Decision.ScopeCategory.values
    ):
        raise CatalogError(
            "entry.scope", _("Choose the matter's scope under Decree 713 Art. 3."), fields=("scope_category",)
        )
    if not partial or "undertaking_unit" in cleaned:
        unit = cleaned.get("undertaking_unit")
        if (
            not isinstance(unit, Organization)
            or unit.kind != Organization.Kind.DEPARTMENT
            or unit.organ != (catalog.organ)
        ):
            raise CatalogError(
                "entry.unit",
                _("The undertaking unit must be a department of %(organ)s.") % {"organ": catalog.organ},
                fields=("undertaking_unit",),
            )
    if cleaned.get("planned_completion"):
        cleaned["planned_completion"] = _clean_planned_completion(cleaned["planned_completion"], catalog.year)
    return cleaned


def _clean_planned_completion(value: str, year: int) -> str:
    value = value.strip().upper()
    match = PLANNED_COMPLETION.match(value)
    if match is None:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise CatalogError(
                "entry.planned_completion",
                _("Give the planned completion as a quarter (e.g. %(year)sQ3) or a date (YYYY-MM-DD).")
                % {"year": year},
                fields=("planned_completion",),
            ) from None
        refuse_date_out_of_range(day, "planned_completion")
        return day.isoformat()
    refuse_year_out_of_range(int(match["year"]), "planned_completion")
    return value


def _check_confidential(entry: CatalogEntry) -> None:
    if entry.is_confidential and not entry.confidential_reason:
        raise CatalogError(
            "entry.confidential_reason",
            _("A lawfully confidential entry needs its legal basis for confidentiality."),
            fields=("confidential_reason",),
        )


def _ensure_editable(catalog: Catalog) -> None:
    if catalog.status not in EDITABLE_STATUSES:
        if catalog.status == Catalog.Status.PUBLISHED:
            raise CatalogError(
                "catalog.published",
                _("The catalog is published; start an adjustment to change it."),
                status=409,
            )
        raise _wrong_state(catalog, _("Change the entries"))


def _change_reason(catalog: Catalog, reason: str) -> str:
    """During an adjustment every change carries its reason (Decree 713 Art. 3)."""
    if catalog.status == Catalog.Status.ADJUSTING:
        return require_text(
            reason, "entry.reason_required", _("A change during an adjustment needs a reason."), ("reason",)
        )
    return optional_text(reason, ("reason",))


def _entry_values(entry: CatalogEntry) -> dict:
    return {
        name: (getattr(entry, name).pk if name == "undertaking_unit" else getattr(entry, name)) for name in ENTRY_FIELDS
    }


@transaction.atomic
def add_entry(
    *,
    catalog: Catalog,
    actor: User,
    reason: str = "",
    suggestion: Suggestion | None = None,
    decision: Decision | None = None,
    **fields,
) -> CatalogEntry:
    """The government office adds an entry: its own, from a suggestion (answered "taken"), or an existing proposed
    decision of the organ (linked; the entry's fields default to the decision's)."""
    catalog = _lock(catalog)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    _ensure_editable(catalog)
    reason = _change_reason(catalog, reason)
    if decision is not None:
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.organ_id != catalog.organ_id or decision.year != catalog.year:
            raise CatalogError(
                "entry.decision_scope",
                _("Only a decision of this organ and year can enter its catalog."),
                fields=("decision",),
            )
        # A proposed decision (cataloged when the catalog is published), or one the government office entered in the
        # catalog before the catalog was kept here (its record catches up); never an ended one.
        if decision.status in ENDED_STATES or CatalogEntry.objects.filter(decision=decision).exists():
            raise CatalogError(
                "entry.decision_taken",
                _("Only a decision that is in no catalog yet, and not ended, can be added."),
                fields=("decision",),
                status=409,
            )
        own = ("legal_basis", "planned_completion")
        defaults = {name: getattr(decision, name) for name in ENTRY_FIELDS if name not in own}
        fields = defaults | fields
    if suggestion is not None:
        suggestion = _lock_suggestion(suggestion)
        if suggestion.window.organ_id != catalog.organ_id or suggestion.is_hidden:
            raise CatalogError(
                "entry.suggestion_scope",
                _("Only a visible suggestion made for this organ can be taken."),
                fields=("suggestion",),
            )
        if suggestion.answer:
            raise CatalogError("entry.suggestion_answered", _("This suggestion has already been answered."), status=409)
        if not (fields.get("title") or "").strip():
            fields["title"] = suggestion.title[:200]
    cleaned = _clean_entry_fields(catalog, fields, partial=False)
    number = (catalog.entries.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    entry = CatalogEntry(catalog=catalog, number=number, created_by=actor, decision=decision, **cleaned)
    _check_confidential(entry)
    entry.search_text = entry_search_text(entry.title, entry.summary)
    if catalog.status == Catalog.Status.ADJUSTING:
        entry.pending_change, entry.change_reason = CatalogEntry.Change.ADDED, reason
        entry.review_status = CatalogEntry.Review.PENDING  # the legal office reviews each addition too
    elif catalog.status == Catalog.Status.IN_REVIEW:
        entry.review_status = CatalogEntry.Review.PENDING
    entry.save()
    if suggestion is not None:
        _answer(
            suggestion,
            actor,
            Suggestion.Answer.TAKEN,
            _("Taken into the catalog as entry %(number)s.") % {"number": number},
            entry=entry,
        )
    _event(
        actor,
        entry,
        action="catalog.entry_added",
        after=_entry_values(entry)
        | {"number": number, "decision": entry.decision_id, "suggestion": suggestion.pk if suggestion else None},
        reason=reason,
        decision_id=entry.decision_id,
        role=Role.GOV_OFFICE,
    )
    return entry


def _lock_entry(entry: CatalogEntry) -> tuple[Catalog, CatalogEntry]:
    catalog = _lock(entry.catalog)
    return catalog, CatalogEntry.objects.select_related("undertaking_unit").get(pk=entry.pk)


@transaction.atomic
def update_entry(*, entry: CatalogEntry, actor: User, reason: str = "", **fields) -> CatalogEntry:
    """The government office changes an entry; a reviewed entry is reviewed again (back to compiling or to the
    legal office); during an adjustment the change carries its reason and is published with it."""
    catalog, entry = _lock_entry(entry)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    _ensure_editable(catalog)
    if entry.removed:
        raise CatalogError("entry.removed", _("This entry was removed."), status=409)
    reason = _change_reason(catalog, reason)
    cleaned = _clean_entry_fields(catalog, fields, partial=True)
    before_values = _entry_values(entry)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    _check_confidential(entry)
    after_values = _entry_values(entry)
    changed = {name: after_values[name] for name in after_values if after_values[name] != before_values[name]}
    if not changed:
        raise CatalogError("entry.unchanged", _("Nothing was changed."))
    if catalog.status == Catalog.Status.ADJUSTING:
        if entry.pending_change != CatalogEntry.Change.ADDED:
            _check_decision_follows(entry, changed)
            entry.pending_change = CatalogEntry.Change.CHANGED
        entry.change_reason = reason
        entry.review_status = CatalogEntry.Review.PENDING  # the legal office reviews each change too
        # The published text stays searchable until the adjustment is published (catalog/search.py).
        entry.search_text = entry_search_text(entry.title, entry.summary, keep=entry.search_text)
    else:
        entry.search_text = entry_search_text(entry.title, entry.summary)
        entry.review_status = (
            CatalogEntry.Review.PENDING if catalog.status == Catalog.Status.IN_REVIEW else CatalogEntry.Review.DRAFT
        )
    entry.save()
    _event(
        actor,
        entry,
        action="catalog.entry_changed",
        before={name: before_values[name] for name in changed},
        after=changed,
        reason=reason,
        decision_id=entry.decision_id,
        role=Role.GOV_OFFICE,
    )
    return entry


# The entry's fields that are its decision's own data: a published change carries them into the decision.
DECISION_DATA = (
    "title",
    "summary",
    "scope_category",
    "undertaking_unit",
    *DECISION_FLAGS,
    "is_confidential",
    "confidential_reason",
)


def _check_decision_follows(entry: CatalogEntry, changed: dict) -> None:
    """A change of a decision's own data (title, flags, unit…) is carried into the decision when the adjustment is
    published: possible only while the decision may still be edited (proposed, in the catalog, drafting)."""
    if not entry.decision_id or not set(changed) & set(DECISION_DATA):
        return
    refusal = decision_services.decision_edit_refusal(entry.decision, None)
    if refusal is not None:
        raise CatalogError(
            "entry.decision_in_procedure",
            _(
                "The decision of this entry is “%(state)s”: its title, scope, unit and flags can no longer change "
                "through the catalog; change them through its own adjustment procedure (the planned completion and "
                "the legal basis may still change here)."
            )
            % {"state": State(entry.decision.status).label},
            status=409,
        )


@transaction.atomic
def remove_entry(*, entry: CatalogEntry, actor: User, reason: str) -> CatalogEntry:
    """The government office removes an entry, with a reason (kept, never deleted). During an adjustment the removal
    is published with the adjustment, and the entry's decision is then withdrawn."""
    catalog, entry = _lock_entry(entry)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    _ensure_editable(catalog)
    if entry.removed or entry.pending_change == CatalogEntry.Change.REMOVED:
        raise CatalogError("entry.removed", _("This entry was removed."), status=409)
    reason = require_text(reason, "entry.reason_required", _("Removing an entry needs a reason."), ("reason",))
    if catalog.status == Catalog.Status.ADJUSTING and entry.pending_change != CatalogEntry.Change.ADDED:
        if entry.decision_id and entry.decision.status not in WITHDRAWABLE_STATES | {State.WITHDRAWN}:
            raise CatalogError(
                "entry.decision_in_procedure",
                _(
                    "The decision of this entry is “%(state)s”: it can no longer be withdrawn from the catalog; "
                    "change it through its own adjustment procedure."
                )
                % {"state": State(entry.decision.status).label},
                status=409,
            )
        entry.pending_change, entry.change_reason = CatalogEntry.Change.REMOVED, reason
    else:  # never published: removed at once
        entry.removed, entry.removal_reason = True, reason
        entry.pending_change = CatalogEntry.Change.NONE
    entry.save()
    _event(
        actor, entry, action="catalog.entry_removed", reason=reason, decision_id=entry.decision_id, role=Role.GOV_OFFICE
    )
    return entry


# ---------------------------------------------------------------- review (审核) and approval (审定)


def _active_entries(catalog: Catalog):
    return catalog.entries.filter(removed=False)


@transaction.atomic
def send_to_review(*, catalog: Catalog, actor: User) -> Catalog:
    """The government office sends the catalog to the legal office; every entry not yet approved awaits it."""
    catalog = _lock(catalog)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    if catalog.status != Catalog.Status.COMPILING:
        raise _wrong_state(catalog, _("Send to review"))
    entries = _active_entries(catalog)
    if not entries.exists():
        raise CatalogError("catalog.empty", _("A catalog needs at least one entry before it is reviewed."), status=409)
    pending = entries.exclude(review_status=CatalogEntry.Review.APPROVED).update(
        review_status=CatalogEntry.Review.PENDING, updated_at=timezone.now()
    )
    catalog.status = Catalog.Status.IN_REVIEW
    catalog.save(update_fields=["status", "updated_at"])
    _event(
        actor,
        catalog,
        action="catalog.sent_to_review",
        after={"status": catalog.status, "pending": pending},
        role=Role.GOV_OFFICE,
    )
    return catalog


@transaction.atomic
def review_entry(*, entry: CatalogEntry, actor: User, approve: bool, comment: str = "") -> CatalogEntry:
    """The legal office's verdict on one entry (in scope, lawful, rightly assigned): approved, or returned with a
    comment to the government office, which changes it and has it reviewed again."""
    catalog, entry = _lock_entry(entry)
    _require_role(actor, Role.LEGAL_REVIEWER, catalog.organ)
    if catalog.status not in (Catalog.Status.IN_REVIEW, Catalog.Status.ADJUSTING):
        raise _wrong_state(catalog, _("Review an entry"))
    if entry.removed or entry.review_status != CatalogEntry.Review.PENDING:
        raise CatalogError("entry.not_pending", _("This entry does not await the legal office."), status=409)
    if approve:
        comment = optional_text(comment, ("comment",))
    else:
        comment = require_text(
            comment, "entry.comment_required", _("Returning an entry needs a comment."), ("comment",)
        )
    entry.review_status = CatalogEntry.Review.APPROVED if approve else CatalogEntry.Review.RETURNED
    entry.review_comment, entry.reviewed_at, entry.reviewed_by = comment, timezone.now(), actor
    entry.save()
    _event(
        actor,
        entry,
        action="catalog.entry_approved" if approve else "catalog.entry_returned",
        after={"review_status": entry.review_status},
        reason=comment,
        decision_id=entry.decision_id,
        role=Role.LEGAL_REVIEWER,
    )
    return entry


@transaction.atomic
def return_to_compiling(*, catalog: Catalog, actor: User) -> Catalog:
    """The government office takes the catalog back from review to change it (approved entries stay approved)."""
    catalog = _lock(catalog)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    if catalog.status != Catalog.Status.IN_REVIEW:
        raise _wrong_state(catalog, _("Back to compiling"))
    catalog.entries.filter(review_status=CatalogEntry.Review.PENDING).update(
        review_status=CatalogEntry.Review.DRAFT, updated_at=timezone.now()
    )
    catalog.status = Catalog.Status.COMPILING
    catalog.save(update_fields=["status", "updated_at"])
    _event(actor, catalog, action="catalog.back_to_compiling", after={"status": catalog.status}, role=Role.GOV_OFFICE)
    return catalog


@transaction.atomic
def record_approval(*, catalog: Catalog, actor: User, **meeting_record) -> Catalog:
    """The government office records the executive meeting that approved (or did not) the catalog: the procedure's
    own meeting record, with no step, and its checks (`decisions.services.checked_meeting`, whose arguments
    `meeting_record` are: Art. 30, each member's view, the head speaks last and decides, the quorum). Possible only
    when the legal office approved every entry. Not adopted (or deferred): back to compiling."""
    catalog = _lock(catalog)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    if catalog.status != Catalog.Status.IN_REVIEW:
        raise _wrong_state(catalog, _("Record the approval"))
    if meeting_record.get("outcome") == MeetingOutcome.ADOPTED_WITH_CHANGES:
        raise CatalogError(
            "catalog.approval_with_changes",
            _(
                "A catalog is approved as it stands: when the meeting asks for changes, record it as deferred (the "
                "changes in the head's view); the catalog goes back to compiling."
            ),
            fields=("outcome",),
        )
    not_approved = list(
        _active_entries(catalog).exclude(review_status=CatalogEntry.Review.APPROVED).values_list("number", flat=True)
    )
    if not_approved:
        raise CatalogError(
            "catalog.entries_not_approved",
            _("The legal office has not approved every entry (not approved: %(numbers)s).")
            % {"numbers": ", ".join(str(number) for number in not_approved)},
            status=409,
        )
    meeting, members = decision_services.checked_meeting(organ=catalog.organ, actor=actor, **meeting_record)
    decision_services.save_meeting(meeting, members, actor)
    catalog.meetings.add(meeting)
    if meeting.outcome == MeetingOutcome.ADOPTED:
        catalog.status, catalog.approved_at = Catalog.Status.APPROVED, timezone.now()
    else:
        catalog.status = Catalog.Status.COMPILING
        _active_entries(catalog).update(review_status=CatalogEntry.Review.DRAFT, updated_at=timezone.now())
    catalog.save()
    _event(
        actor,
        catalog,
        action="catalog.approval_recorded",
        after={
            "meeting_id": meeting.pk,
            "meeting": meeting.name,
            "held_on": meeting.held_on,
            "members": members,  # each member's view, in the ledger too (Art. 38)
            "head_name": meeting.head_name,
            "majority": meeting.majority,
            "outcome": meeting.outcome,
            "status": catalog.status,
        },
        reason=meeting.head_departure_reason,
        role=Role.GOV_OFFICE,
    )
    return catalog


# ---------------------------------------------------------------- publication (公布) and adjustment (调整)


def snapshot_entry(entry: CatalogEntry) -> dict:
    """What a version keeps of a public entry (plain data, read by the portal and by `selectors.version_diff`)."""
    return {
        "number": entry.number,
        "title": entry.title,
        "summary": entry.summary,
        "scope_category": entry.scope_category,
        "undertaking_unit": entry.undertaking_unit.name,
        "undertaking_unit_id": entry.undertaking_unit_id,
        "legal_basis": entry.legal_basis,
        "planned_completion": entry.planned_completion,
        "requires_hearing": entry.requires_hearing,
        "in_congress_report_list": entry.in_congress_report_list,
        "decision_id": entry.decision_id,
        "decision_number": entry.decision.number if entry.decision_id else "",
    }


def _bring_into_catalog(catalog: Catalog, entry: CatalogEntry, actor: User) -> Decision:
    """The entry's decision: created for the entry if it has none (the inbound path of `create_decision`), then
    moved proposed → cataloged."""
    decision = entry.decision
    if decision is None:
        decision = decision_services.create_decision(
            actor=actor,
            undertaking_unit=entry.undertaking_unit,
            catalog_reference=f"catalog {catalog.pk} entry {entry.number}",
            title=entry.title,
            summary=entry.summary,
            year=catalog.year,
            scope_category=entry.scope_category,
            is_confidential=entry.is_confidential,
            confidential_reason=entry.confidential_reason,
            **{flag: getattr(entry, flag) for flag in DECISION_FLAGS},
        )
        entry.decision = decision
        entry.save(update_fields=["decision", "updated_at"])
    if decision.status == State.PROPOSED:
        admitting = _ADMITTING.set(_ADMITTING.get() | {decision.pk})
        try:
            decision = decision_services.catalog_decision(decision=decision, actor=actor)
        finally:
            _ADMITTING.reset(admitting)
    return decision


# The decisions the publication under way (of a catalog, or of an adjustment adding entries) brings into the catalog:
# the `catalog` transition's guard admits these and no others (registered in apps.py).
_ADMITTING: ContextVar[frozenset[int]] = ContextVar("catalog_admitting", default=frozenset())


def is_being_admitted(decision: Decision) -> bool:
    return decision.pk in _ADMITTING.get()


# The decisions the adjustment being published withdraws (their entries removed): the `withdraw` transition's guard
# refuses any other decision an entry lists (registered in apps.py).
_REMOVING: ContextVar[frozenset[int]] = ContextVar("catalog_removing", default=frozenset())


def holds_decision(decision: Decision) -> bool:
    if decision.pk in _REMOVING.get():
        return False
    return CatalogEntry.objects.filter(decision_id=decision.pk, removed=False).exists()


def _carry_into_decision(catalog: Catalog, entry: CatalogEntry, actor: User, version_number: int) -> None:
    """The published change of an entry becomes its decision's data (what differs), through the decisions service."""
    decision = entry.decision
    wanted = {name: getattr(entry, name) for name in DECISION_DATA if name != "undertaking_unit"}
    differs = {name: value for name, value in wanted.items() if getattr(decision, name) != value}
    unit = entry.undertaking_unit if entry.undertaking_unit_id != decision.undertaking_unit_id else None
    if not differs and unit is None:
        return
    decision_services.update_decision(
        decision=decision,
        actor=actor,
        catalog_reference=f"catalog {catalog.pk} entry {entry.number} version {version_number}",
        undertaking_unit=unit,
        **differs,
    )


def _new_version(catalog: Catalog, actor: User, reason: str) -> CatalogVersion:
    entries = list(_active_entries(catalog).select_related("undertaking_unit", "decision").order_by("number"))
    public = [snapshot_entry(entry) for entry in entries if not entry.is_confidential]
    confidential = sum(1 for entry in entries if entry.is_confidential)
    number = (catalog.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return CatalogVersion.objects.create(
        catalog=catalog,
        number=number,
        reason=reason,
        entries=public,
        confidential_count=confidential if catalog.publish_confidential_count else None,
        published_at=timezone.now(),
        published_by=actor,
    )


@transaction.atomic
def publish_catalog(*, catalog: Catalog, actor: User) -> CatalogVersion:
    """Publish the approved catalog: each entry's decision created (if it had none) and cataloged, version 1."""
    catalog = _lock(catalog)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    if catalog.status != Catalog.Status.APPROVED:
        if catalog.versions.exists():
            raise CatalogError(
                "catalog.already_published",
                _("This catalog is already published; changes go through an adjustment."),
                status=409,
            )
        raise CatalogError(
            "catalog.not_approved",
            _("A catalog is published only after the executive meeting approved it."),
            status=409,
        )
    for entry in _active_entries(catalog).select_related("undertaking_unit", "decision").order_by("number"):
        _bring_into_catalog(catalog, entry, actor)
    version = _new_version(catalog, actor, "")
    catalog.status = Catalog.Status.PUBLISHED
    catalog.save(update_fields=["status", "updated_at"])
    _event(
        actor,
        catalog,
        action="catalog.published",
        after={"organ_id": catalog.organ_id, "year": catalog.year, "version": version.number},
        role=Role.GOV_OFFICE,
    )
    return version


@transaction.atomic
def start_adjustment(*, catalog: Catalog, actor: User, reason: str) -> Catalog:
    """The government office starts adjusting a published catalog (entries added, changed, removed, each with its
    reason), published as a new version."""
    catalog = _lock(catalog)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    if catalog.status != Catalog.Status.PUBLISHED:
        if catalog.status == Catalog.Status.ADJUSTING:
            raise CatalogError(
                "catalog.adjusting", _("An adjustment of this catalog is already under way."), status=409
            )
        raise CatalogError("catalog.not_published", _("Only a published catalog can be adjusted."), status=409)
    reason = require_text(reason, "catalog.reason_required", _("An adjustment needs a reason."), ("reason",))
    catalog.status, catalog.adjustment_reason = Catalog.Status.ADJUSTING, reason
    catalog.save(update_fields=["status", "adjustment_reason", "updated_at"])
    _event(actor, catalog, action="catalog.adjustment_started", reason=reason, role=Role.GOV_OFFICE)
    return catalog


@transaction.atomic
def publish_adjustment(*, catalog: Catalog, actor: User) -> CatalogVersion:
    """Publish the adjustment under way as a new version: added entries' decisions created and cataloged, removed
    entries' decisions withdrawn with the removal's reason."""
    catalog = _lock(catalog)
    _require_role(actor, Role.GOV_OFFICE, catalog.organ)
    if catalog.status != Catalog.Status.ADJUSTING:
        raise CatalogError("catalog.no_adjustment", _("No adjustment of this catalog is under way."), status=409)
    changed = catalog.entries.exclude(pending_change="").select_related("undertaking_unit", "decision")
    if not changed.exists():
        raise CatalogError("catalog.nothing_adjusted", _("The adjustment changes no entry yet."), status=409)
    not_approved = [
        entry.number
        for entry in changed
        if entry.pending_change != CatalogEntry.Change.REMOVED and entry.review_status != CatalogEntry.Review.APPROVED
    ]
    if not_approved:
        raise CatalogError(
            "catalog.changes_not_approved",
            _("The legal office has not approved every added or changed entry (not approved: %(numbers)s).")
            % {"numbers": ", ".join(str(number) for number in sorted(not_approved))},
            status=409,
        )
    version_number = (catalog.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    changes = {"added": [], "changed": [], "removed": []}
    for entry in changed.order_by("number"):
        if entry.pending_change == CatalogEntry.Change.ADDED:
            _bring_into_catalog(catalog, entry, actor)
        elif entry.pending_change == CatalogEntry.Change.CHANGED and entry.decision_id:
            _carry_into_decision(catalog, entry, actor, version_number)
        elif entry.pending_change == CatalogEntry.Change.REMOVED:
            if entry.decision_id and entry.decision.status in WITHDRAWABLE_STATES:
                removing = _REMOVING.set(_REMOVING.get() | {entry.decision_id})
                try:
                    decision_services.withdraw_decision(
                        decision=entry.decision, actor=actor, reason=entry.change_reason
                    )
                finally:
                    _REMOVING.reset(removing)
            entry.removed, entry.removal_reason = True, entry.change_reason
        changes[entry.pending_change].append(entry.number)
        entry.pending_change = CatalogEntry.Change.NONE
        entry.search_text = entry_search_text(entry.title, entry.summary)  # the text published now
        entry.save()
    version = _new_version(catalog, actor, catalog.adjustment_reason)
    catalog.status, catalog.adjustment_reason = Catalog.Status.PUBLISHED, ""
    catalog.save(update_fields=["status", "adjustment_reason", "updated_at"])
    _event(
        actor,
        catalog,
        action="catalog.published",
        after={"organ_id": catalog.organ_id, "year": catalog.year, "version": version.number, "changes": changes},
        reason=version.reason,
        role=Role.GOV_OFFICE,
    )
    return version
