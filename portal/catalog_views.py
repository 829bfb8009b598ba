"""The published decision catalogs on the portal: an organ's catalog of a year (its latest published version's
public entries, each with its decision's status and the steps done), its versions and a readable diff between two
of them, CSV and XLSX exports, the feed of new entries, the suggestion form and the receipt lookup.

Everything read comes from `catalog.selectors` (the versions' snapshots: never a confidential entry). The entry
keyword search (catalog/search.py) narrows the snapshot's entries to the numbers of the catalog's entries the GIN
index finds on PostgreSQL (one query), then applies the substring condition to the snapshot's own title and summary;
on SQLite (or for a keyword with no indexable term, a single Chinese character) the substring condition alone.
The suggestion and receipt pages carry a form (a CSRF token): `private, no-store`, never cached."""

import csv
import io
from html import escape

from django import forms
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accountability.context import client_ip
from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from catalog.models import Catalog, CatalogVersion, Suggestion, SuggestionWindow
from decisions.errors import ProcedureError
from decisions.models import Decision
from decisions.procedure import State, StepKind

from .cache import cached_page
from .filters import Select, filter_fields_html
from .honeypot import HoneypotForm
from .views import decision_url_maker

EXPORT_FIELDS = (
    "number",
    "title",
    "summary",
    "scope_category",
    "undertaking_unit",
    "legal_basis",
    "planned_completion",
    "requires_hearing",
    "in_congress_report_list",
    "decision_number",
    "status",
)


def published_catalog(organ_id: int, year: int) -> tuple[Catalog, CatalogVersion]:
    """The organ's published catalog of the year and its latest version, with its snapshot and `suggestions_open`
    (`catalog.selectors.published_version`: one query); 404 when there is none."""
    version = catalog_selectors.published_version(organ_id, year)
    if version is None:
        raise Http404
    return version.catalog, version


def entry_progress(entries: list[dict], catalog_id: int, *, only_these: bool = False) -> list[dict]:
    """Each entry, in place, with `status` (its decision's, a code), `status_label` and `steps_done` (labels of the
    decision's steps done, in the procedure's order) / `steps_total` (the steps that apply): one query
    (`decision_progress`), over the catalog's decisions, or `only_these` entries' (a filtered page: none at all when
    no entry is left)."""
    if only_these:
        ids = [entry["decision_id"] for entry in entries if entry.get("decision_id")]
        progress = catalog_selectors.decision_progress(catalog_id, decision_ids=ids) if ids else {}
    else:
        progress = catalog_selectors.decision_progress(catalog_id)
    labels = {value: str(label) for value, label in State.choices}
    kind_labels = [(bit, str(StepKind(kind).label)) for kind, bit in catalog_selectors.STEP_BITS.items()]
    progress_text = gettext("%(done)s of %(total)s steps done")
    done_labels: dict[int, list[str]] = {}
    decision_url = decision_url_maker()
    for entry in entries:  # what the template would otherwise compute per row (a link, a translation)
        status, confidential, steps_total, bits = progress.get(entry.get("decision_id"), ("", False, 0, 0))
        # Every listed decision has a public page (its progress) unless it was claimed confidential since.
        readable = bool(status) and not confidential and status != State.PROPOSED
        if bits not in done_labels:  # most decisions of a catalog stand at the same few stages
            done_labels[bits] = [label for bit, label in kind_labels if bits & bit]
        steps_done = done_labels[bits]
        entry.update(  # the entries are the caller's own copies (`public_entries`)
            status=status,
            status_label=labels.get(status, ""),
            is_public=readable,
            url=decision_url(entry["decision_id"]) if readable else "",
            steps_done=steps_done,
            steps_total=steps_total,
            progress=progress_text % {"done": len(steps_done), "total": steps_total} if steps_total else "",
        )
    return entries


def entry_rows_html(entries: list[dict]) -> SafeString:
    """The catalog table's rows, written here rather than by the template engine: every value through
    `html.escape` (what Django's autoescape does), the same markup at a twentieth of the cost — a page lists up to a
    few hundred entries, a dozen template nodes each (tests/portal/test_catalog_pages.py checks the escaping)."""
    if not entries:
        return format_html('<tr><td colspan="6" class="empty">{}</td></tr>', gettext("No entry matches."))
    escaped: dict[str, str] = {}  # units, states, labels and progress repeat from row to row: escaped once each

    def once(value) -> str:
        text = str(value)
        if text not in escaped:
            escaped[text] = escape(text)
        return escaped[text]

    rows = []
    for entry in entries:
        title = escape(str(entry["title"]))
        if entry.get("url"):
            title = f'<a href="{escape(str(entry["url"]))}">{title}</a>'
        progress = ""
        if entry.get("progress"):
            progress = f'<span class="portal-progress">{once(entry["progress"])}</span>'
            if entry.get("steps_done"):
                progress += f"<br><small>{once(', '.join(map(str, entry['steps_done'])))}</small>"
        number = escape(str(entry["number"]))
        rows.append(
            f'<tr id="entry-{number}">\n        <td>{number}</td>\n'
            f"        <td>{title}<br><small>{once(entry.get('scope_category_label', ''))}</small></td>\n"
            f"        <td>{once(entry.get('undertaking_unit', ''))}</td>\n"
            f"        <td>{once(entry.get('planned_completion', ''))}</td>\n"
            f'        <td><span class="status status-{once(entry.get("status", ""))}">'
            f"{once(entry.get('status_label', ''))}</span></td>\n"
            f"        <td>{progress}</td>\n      </tr>"
        )
    return mark_safe("\n      ".join(rows))  # noqa: S308 - every value above went through html.escape


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=100)
    unit = forms.TypedChoiceField(
        label=_("Undertaking unit"), required=False, coerce=int, empty_value=None, widget=Select
    )
    category = forms.ChoiceField(label=_("Category"), required=False, widget=Select)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=Select)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        units = {entry["undertaking_unit_id"]: entry["undertaking_unit"] for entry in entries}
        self.fields["unit"].choices = [("", _("All units")), *sorted(units.items(), key=lambda item: item[1])]
        self.fields["category"].choices = [("", _("All categories")), *Decision.ScopeCategory.choices]
        self.fields["status"].choices = [("", _("All states")), *State.choices]

    def narrow(self, entries: list[dict], catalog: Catalog) -> list[dict]:
        """The entries the keyword, unit and category keep (the snapshot's own fields)."""
        data = self.cleaned_data
        keyword = (data.get("q") or "").strip().lower()
        if keyword:
            numbers = catalog_selectors.matching_numbers(catalog, keyword)
            if numbers is not None:
                entries = [e for e in entries if e["number"] in numbers]
            entries = [e for e in entries if keyword in f"{e['title']}\n{e.get('summary', '')}".lower()]
        if data.get("unit"):
            entries = [e for e in entries if e["undertaking_unit_id"] == data["unit"]]
        if data.get("category"):
            entries = [e for e in entries if e["scope_category"] == data["category"]]
        return entries

    def by_status(self, entries: list[dict]) -> list[dict]:
        """The entries whose decision is in the chosen state (entries with their progress)."""
        if self.cleaned_data.get("status"):
            return [e for e in entries if e["status"] == self.cleaned_data["status"]]
        return entries


@require_GET
@cached_page
def catalog_list(request):
    return render(request, "portal/catalog_list.html", {"catalogs": list(catalog_selectors.published_catalogs())})


@require_GET
@cached_page
def catalog_page(request, organ_id: int, year: int):
    catalog, version = published_catalog(organ_id, year)
    entries = catalog_selectors.public_entries(version)
    form = EntryFilterForm(request.GET or None, entries=entries)
    status = 200
    if form.is_bound:
        if form.is_valid():
            # The snapshot's own fields narrow first: only the entries left read their decision's progress.
            narrowed = form.narrow(entries, catalog)
            shown = form.by_status(entry_progress(narrowed, version.catalog_id, only_these=True))
        else:
            shown, status = [], 400
    else:
        shown = entry_progress(entries, version.catalog_id)
    return render(
        request,
        "portal/catalog.html",
        {
            "catalog": catalog,
            "version": version,
            "entries": shown,
            "rows_html": entry_rows_html(shown),
            "total": len(entries),
            "form": form,
            "fields_html": filter_fields_html(form),
            "open_window": version.suggestions_open,
        },
        status=status,
    )


@require_GET
@cached_page
def catalog_versions(request, organ_id: int, year: int):
    catalog, latest = published_catalog(organ_id, year)
    versions = list(catalog_selectors.versions(catalog))
    by_number = {version.number: version for version in versions}
    diff = None
    a, b = request.GET.get("from", ""), request.GET.get("to", "")
    if a or b:
        if not (a.isdigit() and b.isdigit() and int(a) in by_number and int(b) in by_number):
            raise Http404
        diff = catalog_selectors.version_diff(by_number[int(a)], by_number[int(b)])
    elif len(versions) > 1:
        diff = catalog_selectors.version_diff(versions[-2], versions[-1])
    return render(
        request,
        "portal/catalog_versions.html",
        {"catalog": catalog, "versions": versions, "latest": latest, "diff": diff},
    )


def export_rows(version) -> list[list]:
    labels = dict(Decision.ScopeCategory.choices)
    rows = []
    for entry in entry_progress(catalog_selectors.public_entries(version), version.catalog_id):
        values = entry | {"scope_category": str(labels.get(entry["scope_category"], entry["scope_category"]))}
        values["status"] = entry["status_label"]
        rows.append([values.get(field, "") for field in EXPORT_FIELDS])
    return rows


@require_GET
@cached_page
def catalog_csv(request, organ_id: int, year: int):
    catalog, version = published_catalog(organ_id, year)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    writer.writerows(export_rows(version))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="catalog-{catalog.organ_id}-{year}-v{version.number}.csv"'
    return response


@require_GET
@cached_page
def catalog_xlsx(request, organ_id: int, year: int):
    from openpyxl import Workbook

    catalog, version = published_catalog(organ_id, year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}"
    sheet.append(list(EXPORT_FIELDS))
    for row in export_rows(version):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="catalog-{catalog.organ_id}-{year}-v{version.number}.xlsx"'
    return response


# ---------------------------------------------------------------- the feed of new catalog entries

ENTRY_FEED_VERSIONS = 30


class NewCatalogEntriesFeed(Feed):
    title = _("New entries of the decision catalogs")
    link = reverse_lazy("portal:catalogs")
    description = _("Matters entered in a published catalog of major administrative decisions, newest first.")

    def items(self):
        """Entries new in each of the latest published versions (added since the version before)."""
        versions = list(
            CatalogVersion.objects.filter(catalog__status__in=catalog_selectors.PUBLISHED_STATUSES)
            .select_related("catalog__organ")
            .order_by("-published_at", "-id")[:ENTRY_FEED_VERSIONS]
        )
        previous = {
            (v.catalog_id, v.number): v
            for v in CatalogVersion.objects.filter(
                catalog_id__in={v.catalog_id for v in versions}, number__in={v.number - 1 for v in versions}
            ).only("catalog_id", "number", "entries")
        }
        items = []
        for version in versions:
            before = previous.get((version.catalog_id, version.number - 1))
            known = {entry["number"] for entry in before.entries} if before else set()
            for entry in version.entries:
                if entry["number"] not in known:
                    items.append((version, entry))
        return items

    def item_title(self, item):
        version, entry = item
        return f"{version.catalog.organ.name} {version.catalog.year} · {entry['number']}. {entry['title']}"

    def item_description(self, item):
        return item[1].get("summary", "")

    def item_link(self, item):
        version, entry = item
        url = reverse("portal:catalog", args=[version.catalog.organ_id, version.catalog.year])
        return f"{url}?v={version.number}#entry-{entry['number']}"

    def item_guid(self, item):
        version, entry = item
        return f"catalog-{version.catalog_id}-entry-{entry['number']}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item[0].published_at


class NewCatalogEntriesAtomFeed(NewCatalogEntriesFeed):
    feed_type = Atom1Feed
    subtitle = NewCatalogEntriesFeed.description


# ---------------------------------------------------------------- suggestions and receipts


def _private(response):
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


class SuggestionForm(HoneypotForm):
    window = forms.ModelChoiceField(label=_("Catalog"), queryset=SuggestionWindow.objects.none(), empty_label=None)
    title = forms.CharField(label=_("The matter you suggest"), max_length=200)
    reason = forms.CharField(label=_("Why it should be in the catalog"), widget=forms.Textarea(attrs={"rows": 5}))
    suggested_unit = forms.CharField(
        label=_("Which unit should undertake it (optional)"), max_length=200, required=False
    )
    submitter_name = forms.CharField(label=_("Your name (not published)"), max_length=100)
    contact = forms.CharField(
        label=_("Telephone or e-mail (not published)"),
        max_length=200,
        help_text=_("Used only to answer you; with the receipt number it also finds the answer on this site."),
    )

    def __init__(self, *args, windows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows
        self.fields["window"].label_from_instance = lambda w: (
            f"{w.organ.name} · {w.year} ({w.opens_on} – {w.closes_on})"
        )


@require_http_methods(["GET", "POST"])
def suggest(request):
    """The public suggests a matter for an organ's catalog while a window is open (`catalog.services.submit_suggestion`;
    a refusal stores nothing and is shown at its field)."""
    windows = catalog_selectors.open_windows()
    if request.method == "GET":
        initial = {}
        organ = request.GET.get("organ", "")
        if organ.isascii() and organ.isdigit() and len(organ) <= 18:
            initial["window"] = windows.filter(organ_id=int(organ)).first()
        form = SuggestionForm(initial=initial, windows=windows)
        return _private(render(request, "portal/suggest.html", {"form": form, "windows": windows}))
    form = SuggestionForm(request.POST, windows=windows)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = catalog_services.submit_suggestion(
                data["window"],
                title=data["title"],
                reason=data["reason"],
                submitter_name=data["submitter_name"],
                contact=data["contact"],
                suggested_unit=data["suggested_unit"],
                client_address=client_ip(request),
            )
        except ProcedureError as refusal:
            fields = [name for name in getattr(refusal, "fields", ()) or () if name in form.fields]
            for name in fields or [None]:
                form.add_error(name, refusal.message)
            status = getattr(refusal, "status", 400) or 400
            response = render(request, "portal/suggest.html", {"form": form, "windows": windows}, status=status)
            if getattr(refusal, "wait", None):
                response["Retry-After"] = str(refusal.wait)
            return _private(response)
        return _private(render(request, "portal/suggest_done.html", {"suggestion": suggestion}))
    return _private(render(request, "portal/suggest.html", {"form": form, "windows": windows}, status=status))


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=30)
    contact = forms.CharField(label=_("The telephone or e-mail you gave"), max_length=200)


def _same_contact(given: str, stored: str) -> bool:
    def norm(value: str) -> str:
        value = value.strip().lower()
        return value if "@" in value else "".join(ch for ch in value if ch.isdigit())

    return bool(given.strip()) and norm(given) == norm(stored)


@require_http_methods(["GET", "POST"])
def receipt(request):
    """The answer to a suggestion, by its receipt number and the contact given with it (both must match: the
    same answer "not found" otherwise, so the page tells nothing about receipt numbers)."""
    if request.method == "GET":
        return _private(render(request, "portal/receipt.html", {"form": ReceiptForm()}))
    form = ReceiptForm(request.POST)
    answer, valid = None, form.is_valid()
    if valid:
        number = form.cleaned_data["receipt_number"].strip().upper()
        stored = Suggestion.objects.filter(receipt_number=number).values_list("contact", flat=True).first()
        if stored is not None and _same_contact(form.cleaned_data["contact"], stored):
            answer = catalog_selectors.suggestion_by_receipt(number)
        if answer is None:
            form.add_error(None, _("No suggestion has this receipt number and contact."))
    status = 200 if answer else 404 if valid else 400
    return _private(render(request, "portal/receipt.html", {"form": form, "answer": answer}, status=status))
