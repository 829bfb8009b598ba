"""Reads of the catalogs and suggestions: for the staff workspace and for the portal (plain data where the portal
renders it). Nothing here changes anything."""

import json
from functools import cache

from django.db import connection, connections
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from accounts.permissions import organ_id_of
from accounts.privacy import mask_contact
from accounts.roles import Role
from decisions.models import Decision
from decisions.procedure import State
from decisions.progress import STEP_BITS

from .models import Catalog, CatalogEntry, CatalogVersion, Suggestion, SuggestionWindow
from .search import matching_numbers

# The staff roles that see an organ's catalogs and suggestions (the government office, the legal office, the
# supervisor, the audit administrator).
CATALOG_ROLES = frozenset({Role.GOV_OFFICE, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.AUDIT_ADMIN})
PUBLISHED_STATUSES = (Catalog.Status.PUBLISHED, Catalog.Status.ADJUSTING)

# The fields of a version's entry the diff compares, with their labels.
DIFF_FIELDS = (
    "title",
    "summary",
    "scope_category",
    "undertaking_unit",
    "legal_basis",
    "planned_completion",
    "requires_hearing",
    "in_congress_report_list",
)


def may_see_catalogs(user) -> bool:
    return bool(user.is_authenticated and (set(user.role_names) & {role.value for role in CATALOG_ROLES}))


def catalogs_for(user):
    """The catalogs of the user's organ (none for a role that does not see catalogs), newest year first, with the
    counts the list shows (one query)."""
    if not may_see_catalogs(user):
        return Catalog.objects.none()
    return (
        Catalog.objects.filter(organ_id=organ_id_of(user))
        .select_related("organ")
        .annotate(
            entry_count=Count("entries", filter=Q(entries__removed=False), distinct=True),
            version_count=Max("versions__number"),
        )
        .order_by("-year", "organ_id")
    )


def catalog_entries(catalog: Catalog, *, include_removed: bool = False):
    """A catalog's entries in order, with their unit and decision (one query)."""
    entries = catalog.entries.select_related("undertaking_unit", "decision", "reviewed_by")
    if not include_removed:
        entries = entries.filter(removed=False)
    return entries.order_by("number")


def versions(catalog: Catalog):
    """Every published version of a catalog, oldest first."""
    return catalog.versions.select_related("published_by").order_by("number")


def latest_version(catalog: Catalog) -> CatalogVersion | None:
    return catalog.versions.order_by("-number").first()


def published_catalogs(year: int | None = None, organ=None):
    """The published catalogs (also while an adjustment is under way: the last version stands), each with
    `latest_version_number`; filtered by year and organ when given."""
    catalogs = (
        Catalog.objects.filter(status__in=PUBLISHED_STATUSES)
        .select_related("organ")
        .annotate(latest_version_number=Max("versions__number"))
        .order_by("-year", "organ__name", "pk")
    )
    if year is not None:
        catalogs = catalogs.filter(year=year)
    if organ is not None:
        catalogs = catalogs.filter(organ=organ)
    return catalogs


def _instance(model, fields, values, using):
    """A model instance from a plain query's values for `fields` (the others deferred), each value through the
    converters the ORM would apply (SQLite's dates and booleans, for one)."""
    db = connections[using]
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for converter in db.ops.get_db_converters(column) + column.get_db_converters(db):
            value = converter(value, column, db)
        converted.append(value)
    return model.from_db(using, [field.attname for field in fields], converted)


@cache
def _published_version_statement(vendor: str) -> tuple[str, tuple, tuple, tuple]:
    """The statement of `published_version` and the fields it reads of the version (all but its snapshot), the
    catalog and the organ, written once per database vendor."""
    quote = connection.ops.quote_name
    version_fields = tuple(f for f in CatalogVersion._meta.concrete_fields if f.name != "entries")
    catalog_fields = tuple(Catalog._meta.concrete_fields)
    organ_model = Catalog._meta.get_field("organ").related_model
    organ_fields = tuple(organ_model._meta.concrete_fields)
    columns = ", ".join(
        f"{alias}.{quote(field.column)}"
        for alias, fields in (("v", version_fields), ("c", catalog_fields), ("o", organ_fields))
        for field in fields
    )
    # Nothing from outside goes into the text (table and column names); the values are parameters.
    sql = (
        f"SELECT {columns}, v.{quote('entries')}, "  # noqa: S608
        f"EXISTS(SELECT 1 FROM {SuggestionWindow._meta.db_table} w "
        f"WHERE w.organ_id = c.organ_id AND w.year = c.year AND w.opens_on <= %s AND w.closes_on >= %s) "
        f"FROM {CatalogVersion._meta.db_table} v "
        f"JOIN {Catalog._meta.db_table} c ON c.id = v.catalog_id "
        f"JOIN {organ_model._meta.db_table} o ON o.id = c.organ_id "
        f"WHERE c.organ_id = %s AND c.year = %s AND c.status IN ({', '.join(['%s'] * len(PUBLISHED_STATUSES))}) "
        f"ORDER BY v.number DESC LIMIT 1"
    )
    return sql, version_fields, catalog_fields, organ_fields


def published_version(organ_id: int, year: int, today=None) -> CatalogVersion | None:
    """The latest version of the organ's published catalog of the year (None: there is none), with its `catalog` and
    the catalog's `organ`, its snapshot `entries` decoded, and `suggestions_open` (whether a window of the organ
    takes suggestions for that year today, as `open_windows` gives it): one plain query. Through the ORM the same
    reads were three statements and cost the 200-entry catalog page about five milliseconds more, most of it in
    building the queries (docs/benchmarks.md)."""
    from django.utils import timezone

    low, high = connection.ops.integer_field_range(Catalog._meta.get_field("year").get_internal_type())
    if not low <= year <= high:  # no catalog has such a year (the URL takes any digits; SQLite would overflow)
        return None
    today = today or timezone.localdate()
    sql, version_fields, catalog_fields, organ_fields = _published_version_statement(connection.vendor)
    params = [today, today, min(organ_id, 2**63 - 1), year, *PUBLISHED_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    ends = (len(version_fields), len(version_fields) + len(catalog_fields), len(row) - 2)
    version = _instance(CatalogVersion, version_fields, row[: ends[0]], connection.alias)
    catalog = _instance(Catalog, catalog_fields, row[ends[0] : ends[1]], connection.alias)
    catalog.organ = _instance(
        Catalog._meta.get_field("organ").related_model, organ_fields, row[ends[1] : ends[2]], connection.alias
    )
    version.catalog = catalog
    snapshot = row[-2]
    version.entries = (json.loads(snapshot) if isinstance(snapshot, str) else snapshot) or []
    version.suggestions_open = bool(row[-1])
    return version


def public_entries(version: CatalogVersion) -> list[dict]:
    """The public entries of a version (its snapshot), each a dict with `scope_category_label` added."""
    labels = {value: str(label) for value, label in Decision.ScopeCategory.choices}  # translated once, not per entry
    return [
        entry | {"scope_category_label": labels.get(entry.get("scope_category"), entry.get("scope_category"))}
        for entry in version.entries
    ]


@cache
def _progress_sql() -> str:
    """The statement of `decision_progress`, written once (plain SQL: the ORM took longer to build it than the
    database to run it)."""
    # Nothing from outside goes into the text (table names); the values are parameters.
    return (
        f"SELECT d.id, d.status, d.is_confidential, d.steps_applicable, d.steps_done_bits "  # noqa: S608
        f"FROM {CatalogEntry._meta.db_table} e JOIN {Decision._meta.db_table} d ON d.id = e.decision_id "
        f"WHERE e.catalog_id = %s"
    )


def decision_progress(catalog_id: int, decision_ids: list[int] | None = None) -> dict[int, tuple[str, bool, int, int]]:
    """For each decision an entry of the catalog lists (or only those of `decision_ids`): (status, is_confidential,
    the steps that apply, the `STEP_BITS` of the kinds done), as the decision keeps them (decisions/progress.py):
    one query, whatever the number of entries or steps. Grouping the catalog's 2,600 steps here instead cost the
    200-entry page four milliseconds (docs/benchmarks.md)."""
    sql, params = _progress_sql(), [catalog_id]
    if decision_ids is not None:
        sql += f" AND e.decision_id IN ({', '.join(['%s'] * len(decision_ids))})"
        params += decision_ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {pk: (status, bool(confidential), applicable, bits) for pk, status, confidential, applicable, bits in rows}


def _label(field: str) -> str:
    labels = {
        "title": _("title"),
        "summary": _("summary"),
        "scope_category": _("scope (Decree 713 Art. 3)"),
        "undertaking_unit": _("undertaking unit"),
        "legal_basis": _("legal basis"),
        "planned_completion": _("planned completion"),
        "requires_hearing": _("hearing planned"),
        "in_congress_report_list": _("report to the people's congress needed"),
    }
    return labels[field]


def version_diff(version_a: CatalogVersion, version_b: CatalogVersion) -> dict:
    """What changed from `version_a` to `version_b`, as plain data:
    {"from": n, "to": m, "reason": version_b.reason,
     "added": [entry, …], "removed": [entry, …],
     "changed": [{"number", "title", "changes": [{"field", "label", "old", "new"}, …]}, …]}
    (entries as in `public_entries`; entries are matched by their number, which never changes)."""
    before = {entry["number"]: entry for entry in public_entries(version_a)}
    after = {entry["number"]: entry for entry in public_entries(version_b)}
    changed = []
    for number in sorted(set(before) & set(after)):
        old, new = before[number], after[number]
        changes = [
            {"field": field, "label": _label(field), "old": old.get(field), "new": new.get(field)}
            for field in DIFF_FIELDS
            if old.get(field) != new.get(field)
        ]
        if changes:
            changed.append({"number": number, "title": new["title"], "changes": changes})
    return {
        "from": version_a.number,
        "to": version_b.number,
        "reason": version_b.reason,
        "added": [after[number] for number in sorted(set(after) - set(before))],
        "removed": [before[number] for number in sorted(set(before) - set(after))],
        "changed": changed,
    }


# ---------------------------------------------------------------- suggestions


def windows_for(user):
    if not may_see_catalogs(user):
        return SuggestionWindow.objects.none()
    return (
        SuggestionWindow.objects.filter(organ_id=organ_id_of(user))
        .select_related("organ")
        .annotate(suggestion_count=Count("suggestions"))
        .order_by("-year", "-opens_on", "-id")
    )


def open_windows(organ=None, today=None):
    """The windows taking suggestions today (for the portal's form)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    windows = SuggestionWindow.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("organ")
    if organ is not None:
        windows = windows.filter(organ=organ)
    return windows.order_by("organ__name", "-year", "pk")


def window_suggestions(window: SuggestionWindow):
    return window.suggestions.select_related("entry", "organization").order_by("id")


def suggestion_by_receipt(receipt_number: str) -> dict | None:
    """What anyone may read of a suggestion by its receipt number (no name, no contact): its title, when it was
    made, and the answer. A hidden suggestion answers only that it was hidden, and why."""
    suggestion = (
        Suggestion.objects.select_related("window__organ", "entry")
        .filter(receipt_number=(receipt_number or "").strip().upper())
        .first()
    )
    if suggestion is None:
        return None
    if suggestion.is_hidden:
        return {
            "receipt_number": suggestion.receipt_number,
            "hidden": True,
            "hidden_reason": suggestion.hidden_reason,
            "submitted_at": suggestion.submitted_at,
        }
    return {
        "receipt_number": suggestion.receipt_number,
        "hidden": False,
        "title": suggestion.title,
        "organ": suggestion.window.organ.name,
        "year": suggestion.window.year,
        "submitted_at": suggestion.submitted_at,
        "answer": suggestion.answer,
        "answer_label": str(Suggestion.Answer(suggestion.answer).label),
        "answer_reason": suggestion.answer_reason,
        "answered_at": suggestion.answered_at,
        "entry_number": suggestion.entry.number if suggestion.entry_id else None,
        "entry_title": suggestion.entry.title if suggestion.entry_id else "",
    }


__all__ = [
    "CATALOG_ROLES",
    "STEP_BITS",
    "catalog_entries",
    "catalogs_for",
    "latest_version",
    "mask_contact",
    "matching_numbers",
    "may_see_catalogs",
    "open_windows",
    "public_entries",
    "published_catalogs",
    "suggestion_by_receipt",
    "version_diff",
    "versions",
    "window_suggestions",
    "windows_for",
]


def publicly_listed_decisions():
    """Decisions the public may follow and read the progress of before they are published: those a published catalog
    lists (entered in it by the catalog's publication, so past "proposed"), never a confidential entry or decision.
    What the public reads of them is the entry's published text and the public facts of the procedure."""
    lawfully_confidential = Q(is_confidential=True)
    return (
        Decision.objects.filter(catalog_entry__isnull=False, catalog_entry__is_confidential=False)
        .exclude(status=State.PROPOSED)
        .exclude(lawfully_confidential)
    )


def entry_in_version(version: CatalogVersion, number: int) -> dict | None:
    """The public entry `number` of a published version's snapshot (None: no such public entry)."""
    return next((entry for entry in version.entries if entry["number"] == number), None)


def published_entry_of(decision: Decision) -> tuple[Catalog, dict] | None:
    """The decision's entry as its catalog's latest published version shows it (the snapshot's public data), with
    the catalog; None when no published version lists it (or its entry is confidential)."""
    entry = (
        CatalogEntry.objects.filter(decision=decision, is_confidential=False)
        .select_related("catalog__organ")
        .only("number", "catalog")
        .first()
    )
    if entry is None or entry.catalog.status not in PUBLISHED_STATUSES:
        return None
    version = latest_version(entry.catalog)
    shown = entry_in_version(version, entry.number) if version else None
    return (entry.catalog, shown) if shown else None
