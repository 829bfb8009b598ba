"""The hearings in the API (/api/v1/hearings/…): anonymous, as the portal's pages.

* `GET hearings/` — the hearings announced (announced, participants selected, held, cancelled; never one being
  prepared, never one of a confidential decision), latest first, 100 a page.
* `GET hearings/{id}/` — one of them: the announcement, after the selection its published result and the counts,
  once held and confirmed its record (participants named only by the interest they represented).
* `POST hearings/{id}/applications/` — apply to take part while applications are taken, through the portal's form
  and the same service (`participation.hearings.apply_to_hearing`). 201 with the receipt number; 400 bad input
  (`missing` names the fields), 404 no such hearing, 409 not taking applications, 429 over the rate limit (with
  Retry-After). Name, contact and organization are personal information: never answered back, never public.
"""

from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from accountability.context import client_ip
from accounts.api import ApiRefusal, ErrorSerializer
from participation import hearings
from participation.models import Hearing
from participation.services import ParticipationError

from .consultation_api import PublicView, not_found, public_page
from .hearing_views import PublicApplicationForm


class HearingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    matter = serializers.CharField()
    organ = serializers.CharField(help_text=gettext_lazy("The decision organ's name."))
    decision_number = serializers.CharField()
    decision_title = serializers.CharField()
    # A plain string, not an enum: the schema's "status" enums of other endpoints would collide by name.
    status = serializers.CharField(help_text=gettext_lazy("announced, selected, held or cancelled."))
    starts_at = serializers.DateTimeField()
    place = serializers.CharField()
    applications_close_on = serializers.DateField()
    seats = serializers.IntegerField()
    cancellation_reason = serializers.CharField(help_text=gettext_lazy("The public reason, if it was cancelled."))
    url = serializers.CharField(help_text=gettext_lazy("The hearing's page on the portal (a path)."))


class HearingPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    results = HearingSerializer(many=True)


class StatementSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    speaker = serializers.CharField(
        help_text=gettext_lazy("An official as recorded; a participant only by the interest they represented.")
    )
    text = serializers.CharField()


class HearingDetailSerializer(HearingSerializer):
    how_to_apply = serializers.CharField()
    selection_method = serializers.CharField()
    taking_applications = serializers.BooleanField()
    selection_result = serializers.CharField(help_text=gettext_lazy("Published once the participants are selected."))
    applications = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Once selected: how many applied."))
    selected = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Once selected: how many were."))
    record = StatementSerializer(many=True, help_text=gettext_lazy("Once held and confirmed: the record."))


class ApplicationRequestSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=gettext_lazy("Never published."))
    contact = serializers.CharField(
        help_text=gettext_lazy(
            "A telephone number or an e-mail address: never published; with the receipt number it reads the outcome."
        )
    )
    organization = serializers.CharField(required=False, help_text=gettext_lazy("Optional; never published."))
    interest = serializers.CharField(help_text=gettext_lazy("The interest represented, e.g. residents, operators."))
    statement = serializers.CharField(required=False, help_text=gettext_lazy("What you wish to say (optional)."))


class ApplicationReceiptSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(
        help_text=gettext_lazy("Keep it to read the outcome, e.g. TZ-2026-ABCD2345.")
    )


def hearing_row(hearing: Hearing) -> dict:
    decision = hearing.step.decision
    return {
        "id": hearing.pk,
        "matter": hearing.matter,
        "organ": decision.organ.name,
        "decision_number": decision.number,
        "decision_title": decision.title,
        "status": hearing.status,
        "starts_at": hearing.starts_at,
        "place": hearing.place,
        "applications_close_on": hearing.applications_close_on,
        "seats": hearing.seats,
        "cancellation_reason": hearing.cancellation_reason,
        "url": reverse("portal:hearing", args=[hearing.pk]),
    }


class HearingListView(PublicView):
    @extend_schema(
        tags=["hearings"],
        auth=[],
        operation_id="hearings_list",
        summary=gettext_lazy("Hearings announced (anonymous)"),
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, description=gettext_lazy("From 1; 100 a page."))],
        responses={200: HearingPageSerializer, 400: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request):
        return public_page(request, hearings.public_hearings(), hearing_row, HearingSerializer)


class HearingDetailView(PublicView):
    @extend_schema(
        tags=["hearings"],
        auth=[],
        operation_id="hearings_retrieve",
        summary=gettext_lazy("One hearing: the announcement, the selection's result, the confirmed record (anonymous)"),
        responses={200: HearingDetailSerializer, 404: OpenApiResponse(ErrorSerializer)},
    )
    def get(self, request, pk: int):
        hearing = hearings.public_hearing(pk)
        if hearing is None:
            return not_found()
        selected = hearing.status in (Hearing.Status.SELECTED, Hearing.Status.HELD)
        counts = hearings.application_counts(hearing) if selected else {"applied": None, "selected": None}
        held = hearing.status == Hearing.Status.HELD and hearing.record_signed
        body = hearing_row(hearing) | {
            "how_to_apply": hearing.how_to_apply,
            "selection_method": hearing.selection_method,
            "taking_applications": hearings.not_taking_applications(hearing) is None,
            "selection_result": hearing.selection_result if selected else "",
            "applications": counts["applied"],
            "selected": counts["selected"],
            "record": [
                {"order": row["order"], "speaker": row["speaker"], "text": row["text"]}
                for row in (hearings.public_record(hearing) if held else [])
            ],
        }
        response = Response(HearingDetailSerializer(body).data)
        patch_cache_control(response, public=True, max_age=60)
        return response


class ApplicationCreateView(PublicView):
    @extend_schema(
        tags=["hearings"],
        auth=[],
        operation_id="hearings_applications_create",
        summary=gettext_lazy("Apply to take part in a hearing (anonymous)"),
        request=ApplicationRequestSerializer,
        responses={
            201: ApplicationReceiptSerializer,
            400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Bad input.")),
            404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such hearing.")),
            409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not taking applications.")),
            429: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Too many applications.")),
        },
    )
    def post(self, request, pk: int):
        hearing = hearings.public_hearing(pk)
        if hearing is None:
            return not_found()
        sent = request.data if hasattr(request.data, "get") else {}
        names = ("name", "contact", "organization", "interest", "statement")
        data = {name: sent.get(name, "") for name in names}
        data = {name: value if isinstance(value, str) else "" for name, value in data.items()}
        form = PublicApplicationForm(data)
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
            application = hearings.apply_to_hearing(
                hearing=hearing,
                name=cleaned["name"],
                contact=cleaned["contact"],
                organization=cleaned["organization"],
                interest=cleaned["interest"],
                statement=cleaned["statement"],
                client_address=client_ip(request),
            )
        except ParticipationError as refusal:
            error = ApiRefusal(refusal.status or 400, refusal.code, refusal.message, missing=refusal.fields or ())
            error.wait = refusal.wait
            raise error from refusal
        body = ApplicationReceiptSerializer({"receipt_number": application.receipt_number}).data
        return Response(body, status=201)
