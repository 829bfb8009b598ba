"""POST /api/v1/catalogs/suggestions/: suggest a matter for an organ's catalog while its window is open, as the
portal's form does (the same service, `catalog.services.submit_suggestion`).

No login: 201 with the receipt number (the answer is read by it later), 400 for bad input, 404 for an unknown window,
409 when the window is not open, 429 over the rate limit (with Retry-After). The contact is personal information:
never answered back, never public. Every error has the API's common body (`accounts.api`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability.context import client_ip
from accounts.api import ApiRefusal, ErrorSerializer
from decisions.errors import ProcedureError

from . import services
from .models import Suggestion, SuggestionWindow

MAX_ID = 2**63 - 1


class SuggestionRequestSerializer(serializers.Serializer):
    window = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=gettext_lazy("The id of an open suggestion window.")
    )
    title = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=5000)
    suggested_unit = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    submitter_name = serializers.CharField(max_length=100)
    contact = serializers.CharField(
        max_length=200, help_text=gettext_lazy("A telephone number or an e-mail address: never published.")
    )
    organization_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=Suggestion.Source.choices, required=False, default="public")


class SuggestionReceiptSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(help_text=gettext_lazy("Keep it to read the answer, e.g. ZJ-2027-000123."))
    message = serializers.CharField()


class SuggestionCreateView(APIView):
    authentication_classes: list = []  # anyone, no session (so no CSRF)
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["catalogs"],
        auth=[],
        summary="Suggest a matter for an organ's catalog of major administrative decisions",
        request=SuggestionRequestSerializer,
        responses={
            201: SuggestionReceiptSerializer,
            400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Bad input.")),
            404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such suggestion window.")),
            409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("The window is not open.")),
            429: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Too many suggestions.")),
        },
    )
    def post(self, request):
        serializer = SuggestionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        window = SuggestionWindow.objects.filter(pk=data.pop("window")).first()
        if window is None:
            raise ApiRefusal(404, "not_found", _("No such suggestion window."))
        try:
            suggestion = services.submit_suggestion(window, client_address=client_ip(request), **data)
        except ProcedureError as refusal:
            status = getattr(refusal, "status", 400)
            if refusal.code == "suggestion.window_closed":
                status = 409
            error = ApiRefusal(status, refusal.code, refusal.message)
            error.wait = getattr(refusal, "wait", None)
            raise error from refusal
        answer = {
            "receipt_number": suggestion.receipt_number,
            "message": _("Thank you. Keep the receipt number to read the answer."),
        }
        return Response(SuggestionReceiptSerializer(answer).data, status=201)
