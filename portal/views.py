"""What the public sees: published decisions (never a confidential one), their public timeline and documents, the
search, the feeds and the yearly open-data downloads. Anonymous pages are cached whole (`portal/cache.py`); the
decision page carries the follow form (a CSRF token), so it is `private, no-store` and never cached."""

import csv
import io
import logging
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from catalog.selectors import publicly_listed_decisions, published_entry_of
from decisions.models import Decision, Document, Step
from decisions.procedure import Requirement, StepKind, StepStatus
from decisions.selectors import latest_publication, media_labels, public_decisions, published_versions
from decisions.services import PUBLIC_LIST_CACHE_KEY

from .cache import cached_page
from .filters import PublicDecisionFilter, filter_fields_html
from .follow_forms import FollowForm
from .problem_report_views import problem_report_context

logger = logging.getLogger(__name__)

HOME_LIMIT = 50
PAGE_SIZE = 20
# Search results are counted up to this many: counting every match of a frequent word in a large city means reading
# each matching row (tens of milliseconds at 100,000 decisions); beyond it the page says "more than 1,000".
SEARCH_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator whose count stops at `SEARCH_COUNT_CAP + 1` (one query over at most that many rows)."""

    @cached_property
    def count(self) -> int:
        # Only the ids: the keyword's annotation (a to_tsvector per row) is left in the WHERE clause, not selected.
        return self.object_list.order_by().values("pk")[: SEARCH_COUNT_CAP + 1].count()

    @property
    def cap(self) -> int:
        return SEARCH_COUNT_CAP

    @property
    def count_is_capped(self) -> bool:
        return self.count > SEARCH_COUNT_CAP


# The fields of a published decision the public may read (the open-data API and the downloads use the same names).
OPEN_FIELDS = (
    "id",
    "number",
    "title",
    "summary",
    "organ",
    "organ_id",
    "undertaking_unit",
    "year",
    "scope_category",
    "status",
    "published_at",
    "url",
)


# An id no row has, reversed once and replaced by each row's own (see decision_url_maker).
URL_MARKER = 987654321


@dataclass(slots=True)
class SearchResult:
    """A search result: what its line shows, read as plain values (model instances of the decision, its organ and
    its unit cost the page more than writing its twenty lines)."""

    pk: int
    number: str
    title: str
    year: int
    status_label: str
    organ: str
    unit: str
    published_on: str
    url: str


# The columns a search result reads (the keyword's annotation, a to_tsvector per row, is not selected).
SEARCH_RESULT_COLUMNS = (
    "pk",
    "number",
    "title",
    "year",
    "status",
    "organ__name",
    "undertaking_unit__name",
    "published_at",
)


def decision_url_maker():
    """A function giving the portal URL of a decision from its id: one `reverse()` for a list, not one per row (it
    costs tens of microseconds, as much as the rest of a rendered row)."""
    head, tail = reverse("portal:decision", args=[URL_MARKER]).split(str(URL_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def public_rows(queryset):
    """Published decisions as plain rows of the public fields (one query)."""
    decision_url = decision_url_maker()
    rows = queryset.select_related("undertaking_unit", "organ").values(
        "pk",
        "number",
        "title",
        "summary",
        "organ__name",
        "organ_id",
        "undertaking_unit__name",
        "year",
        "scope_category",
        "status",
        "published_at",
    )
    return [
        {
            "id": row["pk"],
            "number": row["number"],
            "title": row["title"],
            "summary": row["summary"],
            "organ": row["organ__name"],
            "organ_id": row["organ_id"],
            "undertaking_unit": row["undertaking_unit__name"],
            "year": row["year"],
            "scope_category": row["scope_category"],
            "status": row["status"],
            "published_at": row["published_at"],
            "url": decision_url(row["pk"]),
        }
        for row in rows
    ]


def latest_rows():
    """The home page's list, newest publication first (cached; cleared by the services after each public change)."""
    try:
        rows = cache.get(PUBLIC_LIST_CACHE_KEY)
    except Exception:
        rows = None
    if rows is None:
        rows = list(
            public_decisions()
            .select_related("undertaking_unit", "organ")
            .order_by("-published_at", "-id")
            .values("pk", "number", "title", "status", "published_at", "undertaking_unit__name", "organ__name")[
                :HOME_LIMIT
            ]
        )
        try:
            cache.set(PUBLIC_LIST_CACHE_KEY, rows, 600)
        except Exception:  # the cache is an optimisation (tests/test_cache_outage.py)
            logger.warning("Could not cache the portal's list", exc_info=True)
    return rows


def shown_rows(rows: list[dict]) -> list[dict]:
    """The home page's rows with what the template would otherwise compute per row: the decision's `url` and the
    local date of publication `published_on` (as the `date:"Y-m-d"` filter gives it)."""
    decision_url = decision_url_maker()
    return [
        row
        | {
            "url": decision_url(row["pk"]),
            "published_on": timezone.localtime(row["published_at"]).date().isoformat() if row["published_at"] else "",
        }
        for row in rows
    ]


@require_GET
@cached_page
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "decisions": shown_rows(latest_rows()),
            "catalogs": home_catalogs(),
            "year": timezone.localdate().year,
        },
    )


def home_catalogs():
    """This year's published catalogs of every organ (empty until the catalog app publishes one), as rows: the organ's
    id and name, the year and the `url` of the catalog's portal page (plain rows: fifty organs' catalogs as model
    instances cost the page more than its list of decisions)."""
    try:
        from catalog.selectors import published_catalogs
    except ImportError:
        return []
    year = timezone.localdate().year
    head, tail = reverse("portal:catalog", args=[URL_MARKER, year]).split(str(URL_MARKER), 1)
    return [
        {"organ_id": organ_id, "organ_name": organ_name, "year": year, "url": f"{head}{organ_id}{tail}"}
        for organ_id, organ_name in published_catalogs(year=year).values_list("organ_id", "organ__name")
    ]


@require_GET
@cached_page
def search(request):
    filterset = PublicDecisionFilter(request.GET or None, queryset=public_decisions())
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    elif filterset.is_bound:
        queryset = public_decisions().none()
    else:
        queryset = public_decisions()
    page = CappedPaginator(queryset.order_by("-published_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    decision_url = decision_url_maker()
    # get_status_display() would hash every choice's lazy label again for each row.
    status_labels = {value: str(label) for value, label in Decision._meta.get_field("status").flatchoices}
    page.object_list = [
        SearchResult(
            pk=pk,
            number=number,
            title=title,
            year=year,
            status_label=status_labels.get(status, status),
            organ=organ,
            unit=unit or "",
            published_on=timezone.localtime(published_at).date().isoformat() if published_at else "",
            url=decision_url(pk),
        )
        # The page's rows only are projected: the count (CappedPaginator) reads ids without the joins to the organs.
        for pk, number, title, year, status, organ, unit, published_at in page.object_list.values_list(
            *SEARCH_RESULT_COLUMNS
        )
    ]
    published = gettext("published")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/search.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "fields_html": filter_fields_html(filterset.form),
            "page": page,
            "rows_html": search_rows_html(page.object_list, published),
            "query": query.urlencode(),
            "q": request.GET.get("q", ""),
        },
        status=200 if not filterset.is_bound or filterset.is_valid() else 400,
    )


def search_rows_html(decisions, published: str) -> SafeString:
    """The search results' list items, written here rather than by the template engine (as the catalog's rows,
    `portal.catalog_views.entry_rows_html`): every value through `html.escape`."""
    items = []
    for d in decisions:
        meta = " · ".join(escape(str(value)) for value in (d.number, d.organ, d.unit, d.year, d.status_label))
        if d.published_on:
            meta += f" · {escape(published)} {escape(d.published_on)}"
        items.append(
            f'<li>\n        <a href="{escape(d.url)}">{escape(d.title)}</a>\n'
            f'        <p class="meta">{meta}</p>\n      </li>'
        )
    return mark_safe("\n    \n      ".join(items))  # noqa: S308 - every value above went through html.escape


def readable_decisions():
    """The decisions with a public page: published ones, and those a published catalog lists (their progress)."""
    return public_decisions() | publicly_listed_decisions()


def public_decision(pk: int):
    return get_object_or_404(
        readable_decisions().select_related("undertaking_unit", "organ").prefetch_related("steps"), pk=pk
    )


def timeline(decision) -> list[dict]:
    """The public facts of the procedure: each step's kind, whether it applied, when it opened and was done.

    Never who did it, their comments, review opinions or why a step did not apply (those stay in the workspace)."""
    rows = []
    steps = Step.objects.filter(decision=decision).order_by("adjustment_round", "id")
    for step in steps.only(
        "kind", "round", "adjustment_round", "requirement", "status", "opened_at", "completed_at", "decision_id"
    ):
        if step.requirement == Requirement.NOT_APPLICABLE:
            state = "not_applicable"
        elif step.status == StepStatus.DONE:
            state = "done"
        elif step.status in (StepStatus.OPEN, StepStatus.SUBMITTED, StepStatus.RETURNED, StepStatus.APPROVED):
            state = "in_progress"
        elif step.status == StepStatus.CLOSED:
            state = "closed"
        else:
            state = "pending"
        rows.append(
            {
                "kind": StepKind(step.kind).label,
                "round": step.round,
                "adjustment_round": step.adjustment_round,
                "state": state,
                "opened_on": step.opened_at.date() if step.opened_at and state != "not_applicable" else None,
                "done_on": step.completed_at.date() if step.completed_at and state == "done" else None,
            }
        )
    return rows


def evaluation_summary(decision):
    """The latest post-decision evaluation the government office approved: its conclusion and the public summary
    it published (the evaluation body's own findings stay in the staff workspace), or None."""
    from evaluation.models import Evaluation

    return (
        Evaluation.objects.filter(
            step__decision=decision,
            step__kind=StepKind.POST_EVALUATION,
            step__status=StepStatus.DONE,
            summary_published_at__isnull=False,
        )
        .only("conclusion", "public_summary", "summary_published_at", "step_id")
        .order_by("-step__adjustment_round", "-step__round")
        .first()
    )


def decision_page(request, decision, *, follow_form=None, problem_form=None, problem_refusal="", status: int = 200):
    """The decision's public page; `follow_form` or `problem_form` bound when a follow request or a problem report is
    shown again with its errors (`problem_refusal`: a refusal about no field of the report)."""
    response = render(
        request,
        "portal/decision_detail.html",
        {
            "decision": decision,
            "publication": (publication := latest_publication(decision)),
            "publication_media": media_labels(publication),
            "versions": published_versions(decision),
            "interpretations": decision.documents.filter(is_public=True, kind=Document.Kind.INTERPRETATION),
            "listed": published_entry_of(decision),
            "timeline": timeline(decision),
            "evaluation": evaluation_summary(decision),
            "documents": decision.documents.filter(is_public=True).order_by("kind", "-version"),
            "follow_form": follow_form or FollowForm(),
            **problem_report_context(decision, problem_form, problem_refusal),
        },
        status=status,
    )
    add_never_cache_headers(response)  # the follow form's CSRF token: never stored by a proxy
    patch_cache_control(response, private=True)
    return response


def decision_detail(request, pk: int):
    return decision_page(request, public_decision(pk))


def public_document(request, pk: int):
    document = get_object_or_404(Document, pk=pk, is_public=True)
    if not public_decisions().filter(pk=document.decision_id).exists():
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@require_GET
def language(request):
    """The portal's language links (`?lang=en&next=/…`): a GET that sets the language cookie and goes back, so the
    portal's pages need no form (and no CSRF cookie) to switch language."""
    code = request.GET.get("lang", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    add_never_cache_headers(response)
    return response


def year_rows(year: int):
    return public_rows(public_decisions().filter(year=year).order_by("published_at", "id"))


@require_GET
@cached_page
def open_data_json(request, year: int):
    rows = year_rows(year)
    response = JsonResponse(
        {"year": year, "count": len(rows), "fields": list(OPEN_FIELDS), "decisions": rows},
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="decisions-{year}.json"'
    return response


@require_GET
@cached_page
def open_data_csv(request, year: int):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OPEN_FIELDS)
    for row in year_rows(year):
        writer.writerow(
            [row[field].isoformat() if field == "published_at" and row[field] else row[field] for field in OPEN_FIELDS]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")  # BOM: Excel
    response["Content-Disposition"] = f'attachment; filename="decisions-{year}.csv"'
    return response
