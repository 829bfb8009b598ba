"""Open data (/api/v1/open/…): anonymous, read-only, published decisions only, with stable field names.

Each answer carries an `ETag` computed from what it shows (how many rows, the latest change, the query); a request
with a matching `If-None-Match` gets `304 Not Modified` without the body. `Cache-Control: public, max-age=300`.
Fields (`portal.views.OPEN_FIELDS`): id, number, title, summary, organ, organ_id, undertaking_unit, year,
scope_category, status, published_at, url — renaming one is a new API version. One decision's detail adds
`publication` (media, channels, published_on, document_number, issue_number, link, opinions_explanation), `versions`
(version, adjustment, change, publication, texts) and `interpretations` (title, version, url).
"""

import hashlib

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.models import Decision, Document, Publication
from decisions.procedure import PUBLIC_STATES, State
from decisions.selectors import latest_publication, public_decisions, published_versions

from .views import public_rows

PAGE_SIZE = 100
MAX_PAGE = 10_000
MAX_ID = 2**63 - 1  # the largest bigint


class OpenDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    organ = serializers.CharField(help_text=_("The decision organ's name."))
    organ_id = serializers.IntegerField()
    undertaking_unit = serializers.CharField()
    year = serializers.IntegerField(help_text=_("The catalog year."))
    scope_category = serializers.ChoiceField(choices=Decision.ScopeCategory.choices)
    status = serializers.ChoiceField(choices=[(v, label) for v, label in State.choices if v in PUBLIC_STATES])
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text=_("The decision's page on the portal (a path)."))


class OpenDocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    version = serializers.IntegerField()
    url = serializers.CharField(help_text=_("The document's download on the portal (a path)."))


class OpenPublicationSerializer(serializers.Serializer):
    media = serializers.ListField(
        child=serializers.CharField(), help_text=_("Where it was published: gazette, website, newspaper, new_media.")
    )
    channels = serializers.CharField()
    published_on = serializers.DateField()
    document_number = serializers.CharField()
    issue_number = serializers.CharField(help_text=_("The gazette's or newspaper's issue."))
    link = serializers.CharField()
    opinions_explanation = serializers.CharField(help_text=_("How public and expert opinions were adopted."))


class OpenVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("1: as first published; then each adopted adjustment."))
    adjustment = serializers.IntegerField(allow_null=True, help_text=_("The adjustment's number (null: none)."))
    change = serializers.CharField(help_text=_("What changed: the adjustment's reason (empty for version 1)."))
    publication = OpenPublicationSerializer()
    texts = OpenDocumentSerializer(many=True)


class OpenDecisionDetailSerializer(OpenDecisionSerializer):
    publication = OpenPublicationSerializer(allow_null=True, help_text=_("The publication of the version in force."))
    versions = OpenVersionSerializer(many=True)
    interpretations = OpenDocumentSerializer(many=True, help_text=_("Policy interpretation documents."))


def _publication_row(publication) -> dict:
    fields = ("media", "channels", "published_on", "document_number", "issue_number", "link", "opinions_explanation")
    return {name: getattr(publication, name) for name in fields}


def _document_row(document) -> dict:
    return {"title": document.title, "version": document.version, "url": reverse("portal:document", args=[document.pk])}


def publication_data(decision: Decision) -> dict:
    """The decision's publication, its versions over its life and its policy interpretation, as open data."""
    publication = latest_publication(decision)
    return {
        "publication": _publication_row(publication) if publication else None,
        "versions": [
            {
                "version": version.number,
                "adjustment": version.adjustment.number if version.adjustment else None,
                "change": version.change,
                "publication": _publication_row(version.publication),
                "texts": [_document_row(text) for text in version.texts],
            }
            for version in published_versions(decision)
        ],
        "interpretations": [
            _document_row(document)
            for document in decision.documents.filter(is_public=True, kind=Document.Kind.INTERPRETATION)
        ],
    }


class OpenDecisionPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    results = OpenDecisionSerializer(many=True)


def etag_for(queryset, *parts) -> str:
    stamp = queryset.aggregate(n=Count("pk"), changed=Max("updated_at"), last=Max("pk"))
    raw = "|".join(str(part) for part in (stamp["n"], stamp["changed"], stamp["last"], *parts))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def not_modified(request, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return etag in [tag.strip().removeprefix("W/") for tag in sent.split(",")] or sent.strip() == "*"


class OpenView(APIView):
    authentication_classes: list = []  # anonymous: no session, no CSRF
    permission_classes = [AllowAny]

    def finish(self, response, etag: str):
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=300)
        return response


class OpenDecisionListView(OpenView):
    @extend_schema(
        operation_id="open_decisions_list",
        summary=_("Published decisions (open data, anonymous)"),
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description=_("Only this catalog year.")),
            OpenApiParameter("organ", OpenApiTypes.INT, description=_("Only this decision organ (its id).")),
            OpenApiParameter("page", OpenApiTypes.INT, description=_("Page number, from 1; 100 a page.")),
            OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses={200: OpenDecisionPageSerializer, 304: OpenApiResponse(description=_("Not modified."))},
    )
    def get(self, request):
        queryset = public_decisions()
        for name in ("year", "organ"):
            value = request.query_params.get(name)
            if value is not None:
                if not (value.isascii() and value.isdigit() and len(value) <= 9):
                    return Response(
                        {"code": "input.invalid", "message": str(_("Enter a whole number.")), "missing": [name]},
                        status=400,
                    )
                queryset = queryset.filter(**{"year" if name == "year" else "organ_id": int(value)})
        page_value = request.query_params.get("page", "1")
        page = int(page_value) if page_value.isascii() and page_value.isdigit() and len(page_value) <= 5 else 0
        if not 1 <= page <= MAX_PAGE:
            return Response(
                {"code": "input.invalid", "message": str(_("Enter a page number from 1.")), "missing": ["page"]},
                status=400,
            )
        etag = etag_for(queryset, request.get_full_path())
        if not_modified(request, etag):
            return self.finish(Response(status=304), etag)
        ordered = queryset.order_by("-published_at", "-id")
        start = (page - 1) * PAGE_SIZE
        rows = public_rows(ordered[start : start + PAGE_SIZE + 1])
        more = len(rows) > PAGE_SIZE
        query = request.query_params.copy()
        query["page"] = str(page + 1)
        body = {
            "count": queryset.count(),
            "page": page,
            "next": request.build_absolute_uri(f"{request.path}?{query.urlencode()}") if more else None,
            "results": OpenDecisionSerializer(rows[:PAGE_SIZE], many=True).data,
        }
        return self.finish(Response(body), etag)


class OpenDecisionDetailView(OpenView):
    @extend_schema(
        operation_id="open_decisions_retrieve",
        summary=_("One published decision (open data, anonymous)"),
        parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses={
            200: OpenDecisionDetailSerializer,
            304: OpenApiResponse(description=_("Not modified.")),
            404: OpenApiResponse(description=_("No published decision with this id.")),
        },
    )
    def get(self, request, pk: int):
        queryset = public_decisions().filter(pk=min(pk, MAX_ID))
        rows = public_rows(queryset)
        if not rows:
            return Response({"code": "not_found", "message": str(_("Not found.")), "missing": []}, status=404)
        # The detail carries the public documents and the publications too; neither saves the decision row.
        documents = Document.objects.filter(decision_id=rows[0]["id"], is_public=True).aggregate(
            n=Count("pk"), last=Max("pk")
        )
        publications = Publication.objects.filter(step__decision_id=rows[0]["id"]).aggregate(last=Max("pk"))
        etag = etag_for(queryset, documents["n"], documents["last"], publications["last"])
        if not_modified(request, etag):
            return self.finish(Response(status=304), etag)
        body = OpenDecisionDetailSerializer({**rows[0], **publication_data(queryset.get())}).data
        return self.finish(Response(body), etag)


# ---------------------------------------------------------------- the published catalogs


class OpenCatalogSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organ = serializers.CharField()
    organ_id = serializers.IntegerField()
    year = serializers.IntegerField()
    version = serializers.IntegerField(help_text=_("The latest published version."))
    url = serializers.CharField()
    entries_url = serializers.CharField()


class OpenCatalogEntrySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    scope_category = serializers.CharField()
    undertaking_unit = serializers.CharField()
    undertaking_unit_id = serializers.IntegerField()
    legal_basis = serializers.CharField()
    planned_completion = serializers.CharField()
    requires_hearing = serializers.BooleanField()
    in_congress_report_list = serializers.BooleanField()
    decision_id = serializers.IntegerField(allow_null=True)
    decision_number = serializers.CharField()
    status = serializers.CharField(help_text=_("The decision's status (a code)."))
    steps_done = serializers.ListField(child=serializers.CharField())
    steps_total = serializers.IntegerField()


class OpenCatalogEntriesSerializer(serializers.Serializer):
    catalog = OpenCatalogSerializer()
    entries = OpenCatalogEntrySerializer(many=True)


def _catalog_row(catalog) -> dict:
    from django.urls import reverse

    return {
        "id": catalog.pk,
        "organ": catalog.organ.name,
        "organ_id": catalog.organ_id,
        "year": catalog.year,
        "version": catalog.latest_version_number,
        "url": reverse("portal:catalog", args=[catalog.organ_id, catalog.year]),
        "entries_url": reverse("api:open_catalog_entries", args=[catalog.pk]),
    }


class OpenCatalogListView(OpenView):
    @extend_schema(
        operation_id="open_catalogs_list",
        summary=_("Published decision catalogs (open data, anonymous)"),
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description=_("Only this year.")),
            OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses={200: OpenCatalogSerializer(many=True), 304: OpenApiResponse(description=_("Not modified."))},
    )
    def get(self, request):
        from catalog.selectors import published_catalogs

        year = request.query_params.get("year")
        if year is not None and not (year.isascii() and year.isdigit() and len(year) <= 4):
            return Response(
                {"code": "input.invalid", "message": str(_("Enter a whole number.")), "missing": ["year"]}, status=400
            )
        catalogs = list(published_catalogs(year=int(year) if year else None))
        raw = "|".join(f"{c.pk}:{c.latest_version_number}:{c.updated_at}" for c in catalogs) + request.get_full_path()
        etag = '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
        if not_modified(request, etag):
            return self.finish(Response(status=304), etag)
        return self.finish(Response([_catalog_row(c) for c in catalogs]), etag)


class OpenCatalogEntriesView(OpenView):
    @extend_schema(
        operation_id="open_catalog_entries",
        summary=_("The public entries of a published catalog's latest version (open data, anonymous)"),
        parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses={
            200: OpenCatalogEntriesSerializer,
            304: OpenApiResponse(description=_("Not modified.")),
            404: OpenApiResponse(description=_("No published catalog with this id.")),
        },
    )
    def get(self, request, pk: int):
        from catalog.selectors import latest_version, public_entries, published_catalogs

        from .catalog_views import entry_progress

        catalog = published_catalogs().filter(pk=min(pk, MAX_ID)).first()
        version = latest_version(catalog) if catalog else None
        if version is None:
            return Response({"code": "not_found", "message": str(_("Not found.")), "missing": []}, status=404)
        ids = [entry["decision_id"] for entry in version.entries if entry.get("decision_id")]
        etag = etag_for(Decision.objects.filter(pk__in=ids), version.pk, version.number)
        if not_modified(request, etag):
            return self.finish(Response(status=304), etag)
        entries = [
            {field: entry.get(field) for field in OpenCatalogEntrySerializer().fields}
            for entry in entry_progress(public_entries(version), catalog.pk)
        ]
        body = {"catalog": _catalog_row(catalog), "entries": OpenCatalogEntrySerializer(entries, many=True).data}
        return self.finish(Response(body), etag)
