"""Problems in a decision's execution reported by the public, on the API (Decree 713 Art. 35–36).

* `POST decisions/{id}/problem-reports/` — anyone (no login, no session): report a problem in the execution of a
  published decision, through the portal's form and the same service (`services.receive_problem_report`). 201 with
  the receipt number; 400 bad input (`missing` names the fields); 404 no such public decision; 409 the decision does
  not take reports (`problem_report.not_open`: not in force); 429 over the rate limit (with Retry-After).
* `GET problem-reports/lookup/?receipt=&contact=` — anyone: the report and its answer, when both match (404 alike
  otherwise: the answer tells nothing about receipt numbers or contacts).
* `GET decisions/{id}/problem-reports/` — staff who see the decision: its reports, newest first, contacts masked.
* `POST problem-reports/{id}/answer/` — the government office or the execution (undertaking) unit answers a report:
  200 with the report; 400 no answer; 403 `permission.*`; 404 not the user's; 409 already answered or hidden.

Names, contacts and contents are personal information: the public answers never carry another person's report.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability.context import client_ip
from accounts.api import ApiRefusal, ErrorSerializer
from accounts.privacy import mask_contact

from . import services
from .access import decision_for
from .errors import ProcedureError
from .forms import ProblemReportAnswerForm, ProblemReportForm
from .models import ExecutionProblemReport
from .selectors import problem_reports_of, public_decisions
from .services.problem_reports import ProblemReportError

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Bad input (input.invalid, or a service's code).")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not logged in, or not permitted (permission.*).")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such decision or report (code not_found).")),
    409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not now: the decision or the report's state.")),
    429: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Too many reports (with Retry-After).")),
}


def _errors(*statuses: int) -> dict:
    return {status: ERRORS[status] for status in statuses}


class ProblemReportRequestSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, help_text=gettext_lazy("A name or an organization; optional."))
    contact = serializers.CharField(
        help_text=gettext_lazy("A telephone number or an e-mail address: never published; reads the answer.")
    )
    content = serializers.CharField(help_text=gettext_lazy("The problem, 5 to 5,000 characters."))
    place = serializers.CharField(required=False, help_text=gettext_lazy("Where; optional."))


class ProblemReportReceiptSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(help_text=gettext_lazy("Keep it to read the answer, e.g. WT-2026-ABCD2345."))


class ProblemReportAnswerSerializer(serializers.Serializer):
    """What the reporter reads with the receipt number and the contact."""

    receipt_number = serializers.CharField()
    decision = serializers.IntegerField()
    decision_title = serializers.CharField()
    received_at = serializers.DateTimeField()
    place = serializers.CharField()
    content = serializers.CharField()
    # A plain string, not an enum: the schema's "status" enums of other endpoints would collide by name.
    status = serializers.CharField(help_text=gettext_lazy("received, answered or hidden."))
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    hidden_reason = serializers.CharField()


class StaffProblemReportSerializer(serializers.ModelSerializer):
    """A report as the organ's staff read it: the contact masked (the full one is read on the staff page, recorded)."""

    contact = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=gettext_lazy("received, answered or hidden."))

    class Meta:
        model = ExecutionProblemReport
        fields = [
            "id",
            "decision",
            "receipt_number",
            "name",
            "contact",
            "place",
            "content",
            "status",
            "answer",
            "answered_by",
            "answered_at",
            "hidden_reason",
            "received_at",
        ]
        read_only_fields = fields

    def get_contact(self, report) -> str:
        return mask_contact(report.contact)


class ReportCursorPagination(CursorPagination):
    """Newest first by id: no COUNT(*), and reports sent meanwhile never shift a page."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


def _text_fields(data, names) -> dict:
    sent = data if hasattr(data, "get") else {}
    return {name: value if isinstance(value := sent.get(name, ""), str) else "" for name in names}


def _bad_input(form) -> ApiRefusal:
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    return ApiRefusal(
        400,
        "input.invalid",
        _("Check the input: some values are not valid."),
        missing=[name for name in errors if name != "__all__"],
        errors=errors,
    )


def _refused(refusal: ProblemReportError) -> ApiRefusal:
    if refusal.code.startswith("permission.") or refusal.is_input_error:
        return ApiRefusal.answering(refusal)
    error = ApiRefusal(refusal.status or 409, refusal.code, refusal.message, missing=refusal.fields)
    error.wait = refusal.wait  # DRF answers Retry-After
    return error


class DecisionProblemReportsView(generics.ListAPIView):
    """POST: anyone reports a problem (no session, no CSRF); GET: the staff who see the decision list its reports."""

    serializer_class = StaffProblemReportSerializer
    pagination_class = ReportCursorPagination

    def get_authenticators(self):
        # The public's POST carries no session: a logged-in browser is treated as anyone (no CSRF needed).
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_queryset(self):
        decision = decision_for(self.request.user, self.kwargs["pk"])
        refusal = services.problem_report_read_refusal(self.request.user, decision)
        if refusal is not None:
            raise ApiRefusal.answering(refusal)
        return problem_reports_of(decision)

    @extend_schema(
        tags=["problem reports"],
        operation_id="decisions_problem_reports_list",
        summary=gettext_lazy("The problems reported in a decision's execution (staff; contacts masked)"),
        responses={200: StaffProblemReportSerializer(many=True), **_errors(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["problem reports"],
        auth=[],
        operation_id="decisions_problem_reports_create",
        summary=gettext_lazy("Report a problem in the execution of a published decision (anonymous)"),
        request=ProblemReportRequestSerializer,
        responses={201: ProblemReportReceiptSerializer, **_errors(400, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        decision = get_object_or_404(public_decisions(), pk=pk)
        form = ProblemReportForm(_text_fields(request.data, ("name", "contact", "content", "place")))
        if not form.is_valid():
            raise _bad_input(form)
        data = form.cleaned_data
        try:
            report = services.receive_problem_report(
                decision,
                data["name"],
                data["contact"],
                data["content"],
                data["place"],
                client_address=client_ip(request),
            )
        except ProblemReportError as refusal:
            raise _refused(refusal) from refusal
        return Response(ProblemReportReceiptSerializer({"receipt_number": report.receipt_number}).data, status=201)


class ProblemReportLookupView(APIView):
    authentication_classes: list = []  # anonymous: no session, no CSRF
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["problem reports"],
        auth=[],
        operation_id="problem_reports_lookup",
        summary=gettext_lazy("A problem report and its answer, by its receipt number and contact (anonymous)"),
        description=gettext_lazy(
            'POST {"receipt": …, "contact": …}: the contact travels in the body, never in a URL (logs keep URLs).'
        ),
        request=OpenApiTypes.OBJECT,
        responses={200: ProblemReportAnswerSerializer, **_errors(400, 404, 429)},
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        receipt, contact = (str(data.get(name) or "").strip() for name in ("receipt", "contact"))
        missing = [name for name, value in (("receipt", receipt), ("contact", contact)) if not value]
        if missing:
            raise ApiRefusal(400, "input.invalid", _("Give the receipt number and the contact."), missing=missing)
        try:
            services.check_lookup_rate(client_address=client_ip(request))
        except ProcedureError as refusal:
            raise ApiRefusal.answering(refusal) from refusal
        report = services.problem_report_by_receipt(receipt, contact)
        if report is None:
            raise ApiRefusal(404, "not_found", _("No report has this receipt number and contact."))
        body = {
            "receipt_number": report.receipt_number,
            "decision": report.decision_id,
            "decision_title": report.decision.title,
            "received_at": report.received_at,
            "place": report.place,
            "content": report.content,
            "status": report.status,
            "answer": report.answer,
            "answered_at": report.answered_at,
            "hidden_reason": report.hidden_reason,
        }
        response = Response(ProblemReportAnswerSerializer(body).data)
        response["Cache-Control"] = "private, no-store"
        return response


class ProblemReportAnswerView(APIView):
    @extend_schema(
        tags=["problem reports"],
        operation_id="problem_reports_answer",
        request=OpenApiTypes.OBJECT,
        description=gettext_lazy('The organ\'s answer to a report: {"answer": …}.'),
        responses={200: StaffProblemReportSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        report = get_object_or_404(ExecutionProblemReport, pk=pk)
        decision_for(request.user, report.decision_id)  # another organization's: not found
        form = ProblemReportAnswerForm(_text_fields(request.data, ("answer",)))
        answer = form.cleaned_data["answer"] if form.is_valid() else ""
        try:
            answered = services.answer_problem_report(report, request.user, answer)
        except ProcedureError as refusal:
            raise ApiRefusal.answering(refusal) from refusal
        return Response(StaffProblemReportSerializer(answered).data)
