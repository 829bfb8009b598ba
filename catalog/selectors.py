"""Reads of the catalogs and suggestions: for the staff workspace and for the portal (plain data where the portal
renders it). Nothing here changes anything."""

import json
from functools import cache

from django.db import connection
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from accounts.permissions import organ_id_of
from accounts.privacy import mask_contact
from accounts.roles import Role
from decisions.models import Decision, Step
from decisions.procedure import Requirement, State, StepKind, StepStatus

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


def version_snapshot(version_id: int, today=None) -> tuple[list[dict], bool]:
    """A version's snapshot of entries, read as text and decoded here, and whether its organ takes suggestions for
    its year today (a window as `open_windows` gives): one plain query. Through the ORM (the JSON field, and an
    `EXISTS` built on `open_windows`) the same reads cost the 200-entry catalog page about two milliseconds more."""
    from django.utils import timezone

    today = today or timezone.localdate()
    column = "v.entries::text" if connection.vendor == "postgresql" else "v.entries"
    sql = (
        f"SELECT {column}, EXISTS(SELECT 1 FROM {SuggestionWindow._meta.db_table} w "  # noqa: S608
        f"WHERE w.organ_id = c.organ_id AND w.year = c.year AND w.opens_on <= %s AND w.closes_on >= %s) "
        f"FROM {CatalogVersion._meta.db_table} v JOIN {Catalog._meta.db_table} c ON c.id = v.catalog_id "
        f"WHERE v.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [today, today, version_id])
        row = cursor.fetchone()
    if row is None:
        return [], False
    return (json.loads(row[0]) if row[0] else []), bool(row[1])


def public_entries(version: CatalogVersion) -> list[dict]:
    """The public entries of a version (its snapshot), each a dict with `scope_category_label` added."""
    labels = {value: str(label) for value, label in Decision.ScopeCategory.choices}  # translated once, not per entry
    return [
        entry | {"scope_category_label": labels.get(entry.get("scope_category"), entry.get("scope_category"))}
        for entry in version.entries
    ]


# A bit per step kind: each decision comes back with the kinds of its done steps as one number.
STEP_BITS = {kind: 1 << index for index, kind in enumerate(StepKind)}


@cache
def _progress_sql() -> str:
    """The statement of `decision_progress`, written once. Plain SQL (both databases read it alike): the ORM spent
    longer building the grouped query with its thirteen-way CASE than the database spent running it."""
    kinds = " ".join(f"WHEN '{kind.value}' THEN {bit}" for kind, bit in STEP_BITS.items())
    # Nothing from outside goes into the text (table names, the step kinds); the values are parameters.
    return (
        f"SELECT d.id, d.status, d.is_confidential, "  # noqa: S608
        f"COUNT(CASE WHEN s.requirement <> %(na)s THEN 1 END), "
        f"SUM(CASE WHEN s.requirement <> %(na)s AND s.status = %(done)s "
        f"THEN CASE s.kind {kinds} ELSE 0 END ELSE 0 END), "
        f"MAX(s.round) "
        f"FROM {CatalogEntry._meta.db_table} e "
        f"JOIN {Decision._meta.db_table} d ON d.id = e.decision_id "
        f"LEFT JOIN {Step._meta.db_table} s ON s.decision_id = d.id AND s.adjustment_round = 0 "
        f"WHERE e.catalog_id = %(catalog)s GROUP BY d.id, d.status, d.is_confidential"
    )


def _latest_rounds_progress(decision_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(the steps that apply, the bits of the kinds done) from each kind's latest round, for decisions with a step
    in a second round (a returned review, a reopened step): the grouped query would count every round."""
    latest: dict[tuple[int, str], tuple[int, str, str]] = {}
    rows = Step.objects.filter(decision_id__in=decision_ids, adjustment_round=0).values_list(
        "decision_id", "kind", "round", "requirement", "status"
    )
    for decision_id, kind, round_number, requirement, status in rows:
        if (decision_id, kind) not in latest or round_number > latest[(decision_id, kind)][0]:
            latest[(decision_id, kind)] = (round_number, requirement, status)
    progress = dict.fromkeys(decision_ids, (0, 0))
    for (decision_id, kind), (_round, requirement, status) in latest.items():
        if requirement == Requirement.NOT_APPLICABLE:
            continue
        total, bits = progress[decision_id]
        progress[decision_id] = (total + 1, bits | (STEP_BITS.get(kind, 0) if status == StepStatus.DONE else 0))
    return progress


def decision_progress(catalog_id: int, decision_ids: list[int] | None = None) -> dict[int, tuple[str, bool, int, int]]:
    """For each decision an entry of the catalog lists (or only those of `decision_ids`): (status, is_confidential,
    the steps that apply, the `STEP_BITS` of the kinds done), from each step kind's latest round — one grouped query,
    whatever the number of entries or steps, and a second only when a decision has a step in a later round."""
    sql = _progress_sql()
    params = {"na": Requirement.NOT_APPLICABLE.value, "done": StepStatus.DONE.value, "catalog": catalog_id}
    if decision_ids is not None:
        head, group = sql.split(" GROUP BY ")
        names = [f"id{index}" for index in range(len(decision_ids))]
        sql = f"{head} AND e.decision_id IN ({', '.join(f'%({name})s' for name in names)}) GROUP BY {group}"
        params |= dict(zip(names, decision_ids, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    progress = {
        pk: (status, bool(confidential), total, int(bits or 0)) for pk, status, confidential, total, bits, _ in rows
    }
    again = [pk for pk, *_rest, latest_round in rows if (latest_round or 1) > 1]
    for pk, (total, bits) in (_latest_rounds_progress(again) if again else {}).items():
        progress[pk] = (*progress[pk][:2], total, bits)
    return progress


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
