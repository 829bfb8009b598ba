"""The post-decision evaluation on the API (Decree 713 Art. 36): the organ's annual plans (/api/v1/evaluation/plans/),
the evaluator's assignments (/api/v1/evaluation/mine/), the evaluation body's report
(/api/v1/decisions/{id}/evaluation/report/) and the published plans as open data (/api/v1/open/evaluation-plans/).

No rule lives here: reads go through `selectors` and `decisions.access` (a plan or decision the user does not see is
404), acts through `plans` and `services`. Answers of the POSTs:

* 200/201 — done; the plan, or the evaluation, as the reads give it;
* 400 — bad input: the form is invalid (`input.invalid`), or the service refused a value (`missing` names it);
* 403 — not logged in, or a role that does not act here (`permission.*`);
* 404 — no such plan or decision for this user;
* 409 — a rule or a state: the plan is fixed once approved (`evaluation_plan.fixed`), the two-person rule
  (`evaluation_plan.same_person`), no report document uploaded (`evaluation.report`), …

Nothing changes on a refusal: each service is one transaction.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ApiRefusal, ErrorSerializer
from accounts.roles import ORGAN_WIDE_ROLES, Role
from decisions.access import decision_for
from decisions.bounds import text_problem
from decisions.errors import ProcedureError
from decisions.procedure import StepKind
from decisions.selectors import current_steps

from . import plans, selectors, services
from .forms import EvaluationReportForm, PlanForm, PlanItemForm
from .models import Evaluation, EvaluationPlan, EvaluationPlanItem

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Bad input (code input.invalid, or the service's code).")),
    403: OpenApiResponse(ErrorSerializer, description=_("Not logged in, or not permitted (code permission.*).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such plan or decision for this user (code not_found).")),
    409: OpenApiResponse(ErrorSerializer, description=_("Refused by a rule or the state (the service's code).")),
}


def _errors(*statuses: int) -> dict:
    return {status: ERRORS[status] for status in statuses}


class EvaluationPlanItemSerializer(serializers.ModelSerializer):
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    decision_title = serializers.CharField(source="decision.title", read_only=True)

    class Meta:
        model = EvaluationPlanItem
        fields = ["order", "decision", "decision_number", "decision_title", "trigger", "reason", "planned_quarter"]
        read_only_fields = fields


class EvaluationPlanSerializer(serializers.ModelSerializer):
    organ_name = serializers.CharField(source="organ.name", read_only=True)
    # draft, approved or published (plain text: the choice set's name would collide with other "status" enums)
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    items = EvaluationPlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationPlan
        fields = [
            "id",
            "organ",
            "organ_name",
            "year",
            "status",
            "status_label",
            "notes",
            "created_at",
            "approved_at",
            "published_at",
            "items",
        ]
        read_only_fields = fields


class OpenEvaluationPlanSerializer(serializers.ModelSerializer):
    organ_name = serializers.CharField(source="organ.name", read_only=True)
    items = serializers.SerializerMethodField()

    @extend_schema_field(EvaluationPlanItemSerializer(many=True))
    def get_items(self, plan) -> list:
        return EvaluationPlanItemSerializer(selectors.public_plan_items(plan), many=True).data

    class Meta:
        model = EvaluationPlan
        fields = ["id", "organ", "organ_name", "year", "notes", "published_at", "items"]
        read_only_fields = fields


class EvaluationAssignmentSerializer(serializers.ModelSerializer):
    decision = serializers.IntegerField(source="step.decision_id", read_only=True)
    decision_number = serializers.CharField(source="step.decision.number", read_only=True)
    decision_title = serializers.CharField(source="step.decision.title", read_only=True)
    evaluator_name = serializers.CharField(source="evaluator.name", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "decision",
            "decision_number",
            "decision_title",
            "evaluator",
            "evaluator_name",
            "trigger",
            "staged",
            "stage_reason",
            "team",
            "implementation",
            "effects",
            "costs_benefits",
            "satisfaction",
            "problems",
            "recommendations",
            "conclusion",
            "summary",
            "report_submitted_at",
            "public_summary",
            "summary_published_at",
        ]
        read_only_fields = fields


def _data(data, names) -> dict:
    """The JSON object's text values (a missing or null value is empty); anything else is bad input."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    cleaned = {}
    for name in names:
        value = data.get(name, "")
        if value is None:
            value = ""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or text_problem(value) == "surrogate":
            raise ValidationError({name: [_("Send text.")]})
        cleaned[name] = value
    return cleaned


def _valid(form):
    if not form.is_valid():
        raise ValidationError(form.errors)  # answered with the common body by accounts.api
    return form.cleaned_data


def _plan_or_404(request, pk: int) -> EvaluationPlan:
    plan = selectors.plan_for(request.user, pk)
    if plan is None:
        raise Http404
    return plan


def _plan_answer(plan: EvaluationPlan, status: int = 200) -> Response:
    plan = EvaluationPlan.objects.select_related("organ").prefetch_related("items__decision").get(pk=plan.pk)
    return Response(EvaluationPlanSerializer(plan).data, status=status)


def _act(call):
    try:
        return call()
    except ProcedureError as refusal:
        raise ApiRefusal.answering(refusal) from refusal


@extend_schema(tags=["evaluation"])
class PlansView(APIView):
    """The organ's evaluation plans (the organ-wide roles read them; the government office draws one up)."""

    def _organ(self, request):
        user = request.user
        if not set(user.role_names) & {role.value for role in ORGAN_WIDE_ROLES} or not user.organization_id:
            raise PermissionDenied(_("Your role does not see the evaluation plans."))
        organ = user.organization.organ
        if organ is None:
            raise PermissionDenied(_("Your account belongs to no decision organ."))
        return organ

    @extend_schema(
        operation_id="evaluation_plans_list", responses={200: EvaluationPlanSerializer(many=True), **_errors(403)}
    )
    def get(self, request):
        organ = self._organ(request)
        found = selectors.plans_of(organ.pk).prefetch_related("items__decision")
        return Response(EvaluationPlanSerializer(found, many=True).data)

    @extend_schema(
        operation_id="evaluation_plans_create",
        request=OpenApiTypes.OBJECT,
        description=_('Draw up the organ\'s plan of a year: {"year": 2027, "notes": …}.'),
        responses={201: EvaluationPlanSerializer, **_errors(400, 403, 409)},
    )
    def post(self, request):
        organ = self._organ(request)
        refusal = plans.plan_refusal(request.user, organ)
        if refusal is not None:
            raise ApiRefusal.answering(refusal)
        values = _valid(PlanForm(_data(request.data, ("year", "notes"))))
        plan = _act(lambda: plans.create_plan(actor=request.user, organ=organ, **values))
        return _plan_answer(plan, status=201)


@extend_schema(tags=["evaluation"])
class PlanItemsView(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        description=_(
            'Add a decision to a plan being drawn up: {"decision": id, "trigger": importance | public_attention | '
            'execution_problems | citizen_reports | legal_basis_changed | organ_decides, "reason": …, '
            '"planned_quarter": "2027Q2"}.'
        ),
        responses={201: EvaluationPlanSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        plan = _plan_or_404(request, pk)
        refusal = plans.plan_refusal(request.user, plan.organ)
        if refusal is not None:
            raise ApiRefusal.answering(refusal)
        data = _data(request.data, ("decision", "trigger", "reason", "planned_quarter"))
        values = _valid(PlanItemForm(data, decisions=selectors.plannable_decisions(plan.organ)))
        _act(lambda: plans.add_plan_item(plan=plan, actor=request.user, **values))
        return _plan_answer(plan, status=201)


@extend_schema(tags=["evaluation"])
class PlanApproveView(APIView):
    @extend_schema(
        request=None,
        description=_("Approve the plan (another member of the government office than the one who drew it up)."),
        responses={200: EvaluationPlanSerializer, **_errors(403, 404, 409)},
    )
    def post(self, request, pk: int):
        plan = _plan_or_404(request, pk)
        return _plan_answer(_act(lambda: plans.approve_plan(plan=plan, actor=request.user)))


@extend_schema(tags=["evaluation"])
class PlanPublishView(APIView):
    @extend_schema(
        request=None,
        description=_("Publish the approved plan on the portal."),
        responses={200: EvaluationPlanSerializer, **_errors(403, 404, 409)},
    )
    def post(self, request, pk: int):
        plan = _plan_or_404(request, pk)
        return _plan_answer(_act(lambda: plans.publish_plan(plan=plan, actor=request.user)))


@extend_schema(tags=["evaluation"])
class MyEvaluationsView(APIView):
    """The evaluations the evaluator's body was commissioned to do (nothing else), newest first."""

    @extend_schema(responses={200: EvaluationAssignmentSerializer(many=True), **_errors(403)})
    def get(self, request):
        if not request.user.has_role(Role.EVALUATOR):
            raise PermissionDenied(_("Only evaluators have evaluation assignments."))
        return Response(EvaluationAssignmentSerializer(selectors.assignments(request.user), many=True).data)


@extend_schema(tags=["evaluation"])
class EvaluationReportView(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        description=_(
            'The evaluation body\'s report (Art. 36): {"implementation", "effects", "costs_benefits", '
            '"satisfaction", "problems", "recommendations", "conclusion": continue | adjust | stop, "summary"}; the '
            "report document is uploaded to the evaluation step first."
        ),
        responses={200: EvaluationAssignmentSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        decision = decision_for(request.user, pk, detailed=True)
        if StepKind.POST_EVALUATION not in current_steps(decision):
            raise Http404
        data = _data(request.data, tuple(EvaluationReportForm.base_fields))
        values = _valid(EvaluationReportForm(data))
        evaluation = _act(lambda: services.submit_evaluation_report(decision=decision, actor=request.user, **values))
        evaluation = Evaluation.objects.select_related("step__decision", "evaluator").get(pk=evaluation.pk)
        return Response(EvaluationAssignmentSerializer(evaluation).data)


class OpenEvaluationPlansView(APIView):
    """Published post-decision evaluation plans (open data, anonymous)."""

    authentication_classes: list = []  # anonymous: no session, no CSRF
    permission_classes = [AllowAny]

    @extend_schema(operation_id="open_evaluation_plans_list", responses={200: OpenEvaluationPlanSerializer(many=True)})
    def get(self, request):
        return Response(OpenEvaluationPlanSerializer(selectors.published_plans(), many=True).data)
