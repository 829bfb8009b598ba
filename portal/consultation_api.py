"""The public consultations in the API (/api/v1/consultations/…): anonymous, as the portal's pages.

* `GET consultations/` — the consultations published for comments (scheduled, open, closed, withdrawn; never one
  being prepared), newest first, 100 a page.
* `GET consultations/{id}/` — one of them with its draft's clauses (label, chapter, text).
* `POST consultations/{id}/comments/` — send an opinion while it is open, through the portal's form and the same
  service (`participation.services.submit_comment`). `clause` is a clause's **label** as the draft numbers it
  (e.g. "第三条"); left out or empty: the opinion is on the draft as a whole. 201 with the receipt number; 400 bad
  input (`missing` names the fields), 404 no such consultation, 409 not taking opinions, 429 over the rate limit
  (with Retry-After), each with the API's common body (`accounts.api`). Name, contact and organization are personal
  information: never answered back, never public.
"""

from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability.context import client_ip
from accounts.api import ApiRefusal, ErrorSerializer
from participation import selectors
from participation.models import Consultation
from participation.services import ParticipationError, submit_comment

from .consultation_views import PublicCommentForm

PAGE_SIZE = 100
MAX_PAGE = 10_000


class ConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organ = serializers.CharField(help_text=gettext_lazy("The decision organ's name."))
    decision_number = serializers.CharField()
    # A plain string, not an enum: the schema's "status" enums of other endpoints would collide by name.
    status = serializers.CharField(help_text=gettext_lazy("scheduled, open, closed or withdrawn."))
    comment_start = serializers.DateField()
    comment_end = serializers.DateField()
    urgency_reason = serializers.CharField(help_text=gettext_lazy("The public reason for a shorter period, if any."))
    withdrawal_reason = serializers.CharField(help_text=gettext_lazy("The public reason, if it was withdrawn."))
    url = serializers.CharField(help_text=gettext_lazy("The consultation's page on the portal (a path)."))


class ConsultationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    results = ConsultationSerializer(many=True)


class ClauseSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=gettext_lazy("The clause's label, e.g. 第三条: what `clause` names."))
    chapter = serializers.CharField()
    text = serializers.CharField()


class ConsultationDetailSerializer(ConsultationSerializer):
    explanation = serializers.CharField()
    questions = serializers.CharField()
    channels = serializers.CharField()
    clauses = ClauseSerializer(many=True)


class CommentRequestSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=gettext_lazy("Never published."))
    contact = serializers.CharField(
        help_text=gettext_lazy(
            "A telephone number or an e-mail address: never published; with the receipt number it reads the answer."
        )
    )
    organization = serializers.CharField(required=False, help_text=gettext_lazy("Optional; never published."))
    text = serializers.CharField(help_text=gettext_lazy("The opinion, 5 to 5,000 characters."))
    clause = serializers.CharField(
        required=False,
        help_text=gettext_lazy("A clause's label as the draft numbers it (e.g. 第三条); empty: the draft as a whole."),
    )


class CommentReceiptSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(help_text=gettext_lazy("Keep it to read the answer, e.g. YJ-2026-ABCD2345."))


def consultation_row(consultation: Consultation) -> dict:
    decision = consultation.step.decision
    return {
        "id": consultation.pk,
        "title": consultation.title,
        "organ": decision.organ.name,
        "decision_number": decision.number,
        "status": consultation.status,
        "comment_start": consultation.comment_start,
        "comment_end": consultation.comment_end,
        "urgency_reason": consultation.urgency_reason,
        "withdrawal_reason": consultation.withdrawal_reason,
        "url": reverse("portal:consultation", args=[consultation.pk]),
    }


def not_found() -> Response:
    return Response({"code": "not_found", "message": _("Not found."), "missing": []}, status=404)


def public_page(request, queryset, row, serializer_class) -> Response:
    """One page (`?page=`, from 1; PAGE_SIZE a page) of an anonymous list: each object through `row` and
    `serializer_class`, the count and the next page's address; public, cached for a minute."""
    value = request.query_params.get("page", "1")
    page = int(value) if value.isascii() and value.isdigit() and len(value) <= 5 else 0
    if not 1 <= page <= MAX_PAGE:
        raise ApiRefusal(400, "input.invalid", _("Enter a page number from 1."), missing=["page"])
    start = (page - 1) * PAGE_SIZE
    rows = [row(item) for item in queryset[start : start + PAGE_SIZE + 1]]
    more = len(rows) > PAGE_SIZE
    body = {
        "count": queryset.count(),
        "page": page,
        "next": request.build_absolute_uri(f"{request.path}?page={page + 1}") if more else None,
        "results": serializer_class(rows[:PAGE_SIZE], many=True).data,
    }
    response = Response(body)
    patch_cache_control(response, public=True, max_age=60)
    return response


class PublicView(APIView):
    authentication_classes: list = []  # anonymous: no session, no CSRF
    permission_classes = [AllowAny]


class ConsultationListView(PublicView):
    @extend_schema(
        tags=["consultations"],
        auth=[],
        operation_id="consultations_list",
        summary=gettext_lazy("Public consultations on drafts (anonymous)"),
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, description=gettext_lazy("From 1; 100 a page."))],
        responses={200: ConsultationPageSerializer, 400: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request):
        return public_page(request, selectors.public_consultations(), consultation_row, ConsultationSerializer)


class ConsultationDetailView(PublicView):
    @extend_schema(
        tags=["consultations"],
        auth=[],
        operation_id="consultations_retrieve",
        summary=gettext_lazy("One public consultation with its draft's clauses (anonymous)"),
        responses={200: ConsultationDetailSerializer, 404: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request, pk: int):
        consultation = selectors.public_consultation(pk)
        if consultation is None:
            return not_found()
        body = consultation_row(consultation) | {
            "explanation": consultation.explanation,
            "questions": consultation.questions,
            "channels": consultation.channels,
            "clauses": [
                {"label": c.label, "chapter": c.chapter, "text": c.text} for c in selectors.public_clauses(consultation)
            ],
        }
        response = Response(ConsultationDetailSerializer(body).data)
        patch_cache_control(response, public=True, max_age=60)
        return response


class CommentCreateView(PublicView):
    # JSON, or a multipart form when the opinion carries an attachment (field `attachment`).
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        tags=["consultations"],
        auth=[],
        operation_id="consultations_comments_create",
        summary=gettext_lazy("Send an opinion on a draft under consultation (anonymous)"),
        request=CommentRequestSerializer,
        responses={
            201: CommentReceiptSerializer,
            400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Bad input.")),
            404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such consultation.")),
            409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("The consultation is not open.")),
            429: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Too many opinions.")),
        },
    )
    def post(self, request, pk: int):
        consultation = selectors.public_consultation(pk)
        if consultation is None:
            return not_found()
        sent = request.data if hasattr(request.data, "get") else {}
        data = {name: sent.get(name, "") for name in ("name", "contact", "organization", "text")}
        data = {name: value if isinstance(value, str) else "" for name, value in data.items()}
        label = sent.get("clause") or ""
        if label:
            clause = consultation.clauses.filter(label=str(label).strip()).first() if isinstance(label, str) else None
            if clause is None:
                raise ApiRefusal(
                    400, "comment.clause", _("The draft has no clause with this label."), missing=["clause"]
                )
            data["clause"] = str(clause.pk)
        files = {"attachment": request.FILES["attachment"]} if "attachment" in request.FILES else None
        form = PublicCommentForm(data, files, consultation=consultation)
        if not form.is_valid():
            errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            raise ApiRefusal(
                400,
                "input.invalid",
                _("Check the input: some values are not valid."),
                missing=[name for name in errors if name != "__all__"],
                errors=errors,
            )
        cleaned = form.cleaned_data
        try:
            comment = submit_comment(
                consultation=consultation,
                name=cleaned["name"],
                contact=cleaned["contact"],
                text=cleaned["text"],
                organization=cleaned["organization"],
                clause=cleaned["clause"],
                client_address=client_ip(request),
                attachment=cleaned.get("attachment"),
            )
        except ParticipationError as refusal:
            error = ApiRefusal(refusal.status or 400, refusal.code, refusal.message, missing=refusal.fields or ())
            error.wait = refusal.wait
            raise error from refusal
        return Response(CommentReceiptSerializer({"receipt_number": comment.receipt_number}).data, status=201)
