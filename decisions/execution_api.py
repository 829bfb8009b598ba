"""Execution on the API (/api/v1/decisions/<pk>/execution/…, Decree 713 Art. 34–35), as the execution page has it
(`execution_views`): the execution unit, the cooperating units, the cadence and the next due date, the indicators
and the progress reports with their values; the execution unit reports, the indicators are set.

No rule lives here: reads go through `decisions.access` (a decision the user does not see is 404) and
`services.execution_overview`, the acts through `services.report_progress` and `services.set_indicators`. Answers of
a POST:

* 201 — the report recorded; 200 — the indicators set; both answer with the execution as GET gives it;
* 400 — bad input: not the shape asked for (`input.invalid`), or the service refused a value (its code, e.g.
  `execution.progress`, `execution.indicator_values_missing`, `execution.indicator_target`; `missing` names the
  fields);
* 403 — not logged in, or not the execution unit (or, for the indicators, the government office): `permission.*`;
* 404 — no such decision for this user;
* 409 — refused by the state: the decision is not executed (`execution.not_running`), an indicator reported on
  cannot change (`execution.indicator_reported` is a value refusal: 400).

Nothing changes on a refusal: each service is one transaction.
"""

import json

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ApiRefusal, ErrorSerializer

from . import services
from .access import decision_for
from .bounds import text_problem
from .errors import ProcedureError
from .models import ExecutionIndicator, ExecutionReport

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Bad input (code input.invalid, or the service's code).")),
    403: OpenApiResponse(ErrorSerializer, description=_("Not logged in, or not permitted (code permission.*).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such decision for this user (code not_found).")),
    409: OpenApiResponse(ErrorSerializer, description=_("Refused by the state: the decision is not executed.")),
}


def _errors(*statuses: int) -> dict:
    return {status: ERRORS[status] for status in statuses}


# ---------------------------------------------------------------- serializers


class ExecutionUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ExecutionIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExecutionIndicator
        fields = ["id", "order", "name", "unit", "baseline", "target"]
        read_only_fields = fields


class ExecutionIndicatorActualSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator_id")
    actual = serializers.DecimalField(max_digits=18, decimal_places=4)


class ExecutionReportDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField()


class ExecutionReportSerializer(serializers.ModelSerializer):
    reported_by = serializers.StringRelatedField()
    late = serializers.BooleanField(help_text=_("Reported after the due date it answered."))
    values = ExecutionIndicatorActualSerializer(source="values.all", many=True)
    documents = ExecutionReportDocumentSerializer(source="documents.all", many=True)

    class Meta:
        model = ExecutionReport
        fields = ["id", "period", "progress", "problems", "due_on", "late", "reported_by", "reported_at", "values"]
        fields += ["documents"]
        read_only_fields = fields


class ExecutionSerializer(serializers.Serializer):
    """The execution of a decision (`services.execution_overview`); the reports newest first."""

    decision = serializers.IntegerField(source="step.decision_id")
    execution_unit = ExecutionUnitSerializer(source="execution.unit", allow_null=True)
    cooperating_units = ExecutionUnitSerializer(many=True)
    report_cadence = serializers.CharField(source="execution.report_cadence", allow_null=True)
    next_due = serializers.DateField(allow_null=True, help_text=_("When the next progress report is due."))
    due_is_provisional = serializers.BooleanField(source="step.due_is_provisional")
    overdue = serializers.BooleanField()
    days_overdue = serializers.IntegerField()
    indicators = ExecutionIndicatorSerializer(many=True)
    reports = ExecutionReportSerializer(many=True)


def _answer(decision, request, status: int = 200) -> Response:
    overview = services.execution_overview(decision)
    return Response(ExecutionSerializer(overview).data, status=status)


# ---------------------------------------------------------------- input


def _text(data, name: str) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str) or text_problem(value) == "surrogate":
        raise ValidationError({name: [_("Send text.")]})
    return value


def _values(data) -> dict:
    """The indicators' actual values: a JSON object {indicator id: value}; on a multipart form, `value_<id>` fields
    (or `values` as a JSON object in text)."""
    values = data.get("values")
    if isinstance(data, QueryDict):
        if isinstance(values, str) and values.strip():
            try:
                values = json.loads(values)
            except ValueError as error:
                raise ValidationError({"values": [_("Send the values as a JSON object.")]}) from error
        else:
            values = {key[len("value_") :]: data.get(key) for key in data if key.startswith("value_")}
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ValidationError({"values": [_("Send the values as an object: indicator id → actual value.")]})
    return values


class ExecutionReportRequestSerializer(serializers.Serializer):
    """For the schema: JSON, or a multipart form whose `documents` are files."""

    period = serializers.CharField(required=False, help_text=_("e.g. 2026年第三季度"))
    progress = serializers.CharField()
    problems = serializers.CharField(required=False)
    values = serializers.DictField(
        child=serializers.CharField(), required=False, help_text=_("Indicator id → actual value.")
    )
    documents = serializers.ListField(child=serializers.FileField(), required=False)


class ExecutionIndicatorItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField(required=False)
    baseline = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True)
    target = serializers.DecimalField(max_digits=18, decimal_places=4)


class ExecutionIndicatorsRequestSerializer(serializers.Serializer):
    indicators = ExecutionIndicatorItemSerializer(
        many=True, help_text=_("The whole list, by name: new names are added, names left out removed.")
    )


# ---------------------------------------------------------------- views


class ExecutionView(APIView):
    @extend_schema(tags=["decisions"], responses={200: ExecutionSerializer, **_errors(403, 404)})
    def get(self, request, pk: int):
        return _answer(decision_for(request.user, pk), request)


class ExecutionReportView(APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        tags=["decisions"],
        request={
            "application/json": ExecutionReportRequestSerializer,
            "multipart/form-data": ExecutionReportRequestSerializer,
        },
        responses={201: ExecutionSerializer, **_errors(400, 403, 404, 409)},
        description=_("The execution unit reports its progress: every indicator needs its actual value."),
    )
    def post(self, request, pk: int):
        decision = decision_for(request.user, pk)
        refusal = services.execution_report_refusal(decision, request.user)
        if refusal is not None:  # permission and state first: no input makes a refused report possible
            raise ApiRefusal.answering(refusal)
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send the report as a JSON object or a form.")]})
        report = {name: _text(data, name) for name in ("period", "progress", "problems")}
        values = _values(data)
        documents = request.FILES.getlist("documents") if hasattr(request, "FILES") else []
        try:
            services.report_progress(
                decision=decision, actor=request.user, values=values, documents=documents, **report
            )
        except ProcedureError as error:
            raise ApiRefusal.answering(error) from error
        return _answer(decision, request, status=201)


class ExecutionIndicatorsView(APIView):
    @extend_schema(
        tags=["decisions"],
        request=ExecutionIndicatorsRequestSerializer,
        responses={200: ExecutionSerializer, **_errors(400, 403, 404, 409)},
        description=_(
            "Set the indicators (the execution unit or the government office): an indicator reported on keeps its "
            "name and target."
        ),
    )
    def post(self, request, pk: int):
        decision = decision_for(request.user, pk)
        refusal = services.indicators_refusal(decision, request.user)
        if refusal is not None:
            raise ApiRefusal.answering(refusal)
        data = request.data
        if not isinstance(data, dict) or isinstance(data, QueryDict) or not isinstance(data.get("indicators"), list):
            raise ValidationError({"indicators": [_("Send the indicators as a JSON list.")]})
        try:
            services.set_indicators(decision=decision, actor=request.user, indicators=data["indicators"])
        except ProcedureError as error:
            raise ApiRefusal.answering(error) from error
        return _answer(decision, request)
