"""Co-signing on the API (/api/v1/review/co-signing/…, Decree 713 Art. 13): the requests to my organization, a
step's requests, and a department's answer.

No rule lives here: reads go through `selectors` and `decisions.access` (a decision the user does not see is 404),
the answer through `cosigning.answer_co_signing`. Answers of POST …/requests/{id}/answer/:

* 200 — recorded; the request as the lists give it;
* 400 — bad input: the form is invalid (`input.invalid`), or the service refused a value (`cosigning.reasons`: a
  disagreement without its reasons, …; `missing` names the fields);
* 403 — not the organization asked (`permission.not_consulted`), or a role that does not answer (`permission.role`);
* 404 — no such request for this user;
* 409 — too late: the deadline passed (`cosigning.deadline_passed`), silence was recorded as no objection
  (`cosigning.silence_recorded`), or the step no longer takes answers.

Nothing changes on a refusal: the service is one transaction.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ApiRefusal, ErrorSerializer
from decisions.access import decision_for, step_for
from decisions.bounds import text_problem
from decisions.errors import ProcedureError
from decisions.procedure import StepKind

from . import cosigning, selectors
from .cosigning_forms import CoSigningAnswerForm
from .models import CoSigningRequest

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Bad input (code input.invalid, or the service's code).")),
    403: OpenApiResponse(ErrorSerializer, description=_("Not logged in, or not permitted (code permission.*).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such step or request for this user (code not_found).")),
    409: OpenApiResponse(ErrorSerializer, description=_("Too late: the deadline passed or the step was submitted.")),
}


def _errors(*statuses: int) -> dict:
    return {status: ERRORS[status] for status in statuses}


class CoSigningRequestSerializer(serializers.ModelSerializer):
    decision = serializers.IntegerField(source="step.decision_id", read_only=True)
    decision_number = serializers.CharField(source="step.decision.number", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    answer_label = serializers.CharField(source="get_answer_display", read_only=True)

    class Meta:
        model = CoSigningRequest
        fields = [
            "id",
            "step",
            "decision",
            "decision_number",
            "organization",
            "organization_name",
            "due_on",
            "answer",
            "answer_label",
            "answer_text",
            "answered_at",
            "unit_view",
            "resolved",
        ]
        read_only_fields = fields


class RequestCursorPagination(CursorPagination):
    """Newest first by id: no COUNT(*), and requests sent meanwhile never shift a page."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema(tags=["review"])
class MyCoSigningRequestsView(generics.ListAPIView):
    """The requests to my organization (a drafter's or head's), newest first."""

    serializer_class = CoSigningRequestSerializer
    pagination_class = RequestCursorPagination

    def get_queryset(self):
        return selectors.co_signing_inbox(self.request.user)

    @extend_schema(responses={200: CoSigningRequestSerializer(many=True), **_errors(403)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["review"])
class StepCoSigningRequestsView(APIView):
    """The requests of one round of a department consultation, for whoever sees the decision."""

    @extend_schema(responses={200: CoSigningRequestSerializer(many=True), **_errors(403, 404)})
    def get(self, request, step_pk: int):
        step = step_for(request.user, step_pk)
        if step.kind != StepKind.DEPARTMENT_CONSULTATION:
            raise Http404
        requests = selectors.step_co_signing_requests(step).select_related("step__decision")
        return Response(CoSigningRequestSerializer(requests, many=True).data)


def _answer_data(data) -> dict:
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send the answer as a JSON object.")]})
    cleaned = {}
    for name in ("answer", "text"):
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str) or text_problem(value) == "surrogate":
            raise ValidationError({name: [_("Send text.")]})
        cleaned[name] = value
    return cleaned


@extend_schema(tags=["review"])
class CoSigningAnswerView(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        description=_('The department\'s answer: {"answer": agree | agree_with_changes | disagree, "text": …}.'),
        responses={200: CoSigningRequestSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        co_signing = get_object_or_404(CoSigningRequest.objects.select_related("step"), pk=pk)
        decision_for(request.user, co_signing.step.decision_id)  # another organization's: not found
        form = CoSigningAnswerForm(_answer_data(request.data))
        if not form.is_valid():
            raise ValidationError(form.errors)  # answered with the common body by accounts.api
        try:
            answered = cosigning.answer_co_signing(request=co_signing, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            raise ApiRefusal.answering(refusal) from refusal
        answered = CoSigningRequest.objects.select_related("step__decision", "organization").get(pk=answered.pk)
        return Response(CoSigningRequestSerializer(answered).data)
