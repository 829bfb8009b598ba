"""The expert review in the API (/api/v1/review/experts/…, Decree 713 Art. 19–21), logged-in staff and experts.

* `GET pool/` — the organ's expert pool, for its legal office (contacts masked); 403 for anyone else.
* `GET steps/{step}/assignments/` — the draws (seed, candidates, exclusions, chosen, whether a re-run gives the same)
  and the assignments of an expert-review round, for those who see the decision other than as its experts; 404
  otherwise (an expert reads their own assignments).
* `GET mine/` — the expert's own assignments (403 for an account without the expert role).
* `POST assignments/{id}/declaration/` — the expert declares (`no_conflict`, `interest_statement`).
* `POST assignments/{id}/opinion/` — the expert's signed opinion (`opinion`, `text`, and `document` in a multipart
  body); refused 409 before a no-conflict declaration, or after a direct interest (Art. 20).
* `POST assignments/{id}/usage/` — the undertaking unit's answer (`usage`, `reason` unless adopted).

Another expert's assignment, a decision not seen: 404. Refusals: 403 permission, 400 a value sent (`missing` names
the fields), 409 a rule or a state; nothing changes on a refusal (`review.experts`).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ApiRefusal, ErrorSerializer
from accounts.privacy import mask_contact
from accounts.roles import Role
from decisions.errors import ProcedureError

from . import experts
from .expert_views import _expert_step, own_assignments
from .models import Expert, ExpertAssignment, ExpertDraw

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Bad input; `missing` names the fields.")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not logged in, or not permitted.")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not found for this user.")),
    409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Refused by a rule or the state.")),
}


def _errors(*codes):
    return {code: ERRORS[code] for code in codes}


def _answer(refusal: ProcedureError) -> ApiRefusal:
    if isinstance(refusal, experts.ExpertError):
        return ApiRefusal(refusal.status, refusal.code, refusal.message, missing=refusal.fields)
    return ApiRefusal.answering(refusal)


# ---------------------------------------------------------------- serializers


class PoolExpertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())
    institution = serializers.CharField()
    title = serializers.CharField()
    contact = serializers.CharField(help_text=gettext_lazy("Masked (personal information)."))
    available = serializers.BooleanField()
    # A plain string: the schema's "status" enums of other endpoints would collide by name.
    status = serializers.CharField(help_text=gettext_lazy("active, suspended or retired."))
    has_account = serializers.BooleanField()


class ExcludedSerializer(serializers.Serializer):
    expert = serializers.IntegerField()
    reason = serializers.CharField(
        help_text=gettext_lazy("same_institution, declared_interest, recent_assignments or already_assigned.")
    )


class DrawSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField(help_text=gettext_lazy("random or manual."))
    field = serializers.CharField()
    number = serializers.IntegerField()
    seed = serializers.CharField()
    candidates = serializers.ListField(child=serializers.IntegerField())
    excluded = ExcludedSerializer(many=True)
    chosen = serializers.ListField(child=serializers.IntegerField())
    manual_reason = serializers.CharField()
    drawn_at = serializers.DateTimeField()
    reproduced = serializers.BooleanField(
        help_text=gettext_lazy("Whether re-running the draw from its seed and candidates gives the same experts.")
    )


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.IntegerField()
    expert = serializers.IntegerField()
    expert_name = serializers.CharField()
    institution = serializers.CharField()
    draw = serializers.IntegerField(allow_null=True)
    declaration = serializers.CharField(help_text=gettext_lazy("empty, no_conflict or direct_interest."))
    declared_at = serializers.DateTimeField(allow_null=True)
    opinion = serializers.CharField(help_text=gettext_lazy("empty, agree, agree_with_conditions or disagree."))
    opinion_text = serializers.CharField()
    opinion_document = serializers.IntegerField(allow_null=True)
    signature = serializers.CharField(help_text=gettext_lazy("SHA-256 of the expert, round, opinion, text, time."))
    signed_at = serializers.DateTimeField(allow_null=True)
    usage = serializers.CharField(help_text=gettext_lazy("empty, adopted, partly_adopted or not_adopted."))
    usage_reason = serializers.CharField()


class RoundSerializer(serializers.Serializer):
    draws = DrawSerializer(many=True)
    assignments = AssignmentSerializer(many=True)


class MyAssignmentSerializer(AssignmentSerializer):
    decision = serializers.IntegerField()
    decision_number = serializers.CharField()
    decision_title = serializers.CharField()


class DeclarationRequestSerializer(serializers.Serializer):
    no_conflict = serializers.BooleanField(help_text=gettext_lazy("true: no direct interest in the matter."))
    interest_statement = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionRequestSerializer(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=[c for c in ExpertAssignment.Opinion.values if c])
    text = serializers.CharField()
    document = serializers.FileField(required=False, help_text=gettext_lazy("Optional, in a multipart body."))


class UsageRequestSerializer(serializers.Serializer):
    usage = serializers.ChoiceField(choices=[c for c in ExpertAssignment.Usage.values if c])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def assignment_row(assignment: ExpertAssignment) -> dict:
    return {
        "id": assignment.pk,
        "step": assignment.step_id,
        "expert": assignment.expert_id,
        "expert_name": assignment.expert.name,
        "institution": assignment.expert.institution,
        "draw": assignment.draw_id,
        "declaration": assignment.declaration,
        "declared_at": assignment.declared_at,
        "opinion": assignment.opinion,
        "opinion_text": assignment.opinion_text,
        "opinion_document": assignment.opinion_document_id,
        "signature": assignment.signature,
        "signed_at": assignment.signed_at,
        "usage": assignment.usage,
        "usage_reason": assignment.usage_reason,
    }


def draw_row(draw: ExpertDraw) -> dict:
    return {
        "id": draw.pk,
        "method": draw.method,
        "field": draw.field,
        "number": draw.number,
        "seed": draw.seed,
        "candidates": draw.candidates,
        "excluded": draw.excluded,
        "chosen": draw.chosen,
        "manual_reason": draw.manual_reason,
        "drawn_at": draw.drawn_at,
        "reproduced": experts.rerun_draw(draw) == list(draw.chosen),
    }


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _own(request, pk: int) -> ExpertAssignment:
    if not request.user.has_role(Role.EXPERT):
        raise ApiRefusal(403, "permission.role", _("These endpoints are for the experts of an expert review."))
    return get_object_or_404(own_assignments(request.user), pk=pk)


# ---------------------------------------------------------------- views


class ExpertPoolView(APIView):
    @extend_schema(
        tags=["review"],
        operation_id="review_experts_pool",
        summary=gettext_lazy("The organ's expert pool (its legal office)"),
        responses={200: PoolExpertSerializer(many=True), **_errors(403)},
    )
    def get(self, request):
        user = request.user
        organ = user.organization.organ if user.organization_id else None
        if organ is None or not experts.may_keep_pool(user, organ):
            raise ApiRefusal(
                403, "permission.role", _("The expert pool is kept by the organ's legal office (Decree 713 Art. 19).")
            )
        rows = [
            {
                "id": expert.pk,
                "name": expert.name,
                "fields": experts.field_list(expert.fields),
                "institution": expert.institution,
                "title": expert.title,
                "contact": mask_contact(expert.contact),
                "available": expert.available,
                "status": expert.status,
                "has_account": expert.user_id is not None,
            }
            for expert in Expert.objects.filter(organ=organ).order_by("name", "id")
        ]
        return Response(PoolExpertSerializer(rows, many=True).data)


class StepAssignmentsView(APIView):
    @extend_schema(
        tags=["review"],
        operation_id="review_experts_step_assignments",
        summary=gettext_lazy("The draws and assignments of an expert-review round"),
        responses={200: RoundSerializer, **_errors(403, 404)},
    )
    def get(self, request, step_pk: int):
        step = _expert_step(request, step_pk)
        draws = ExpertDraw.objects.filter(step=step).order_by("id")
        assignments = ExpertAssignment.objects.filter(step=step).select_related("expert").order_by("id")
        body = {"draws": [draw_row(d) for d in draws], "assignments": [assignment_row(a) for a in assignments]}
        return Response(RoundSerializer(body).data)


class MyAssignmentsView(APIView):
    @extend_schema(
        tags=["review"],
        operation_id="review_experts_mine",
        summary=gettext_lazy("The expert's own assignments"),
        responses={200: MyAssignmentSerializer(many=True), **_errors(403)},
    )
    def get(self, request):
        if not request.user.has_role(Role.EXPERT):
            raise ApiRefusal(403, "permission.role", _("These endpoints are for the experts of an expert review."))
        rows = [
            assignment_row(a)
            | {
                "decision": a.step.decision_id,
                "decision_number": a.step.decision.number,
                "decision_title": a.step.decision.title,
            }
            for a in own_assignments(request.user)
        ]
        return Response(MyAssignmentSerializer(rows, many=True).data)


class DeclarationView(APIView):
    @extend_schema(
        tags=["review"],
        operation_id="review_experts_declaration",
        summary=gettext_lazy("The expert declares whether they have a direct interest (Art. 20)"),
        request=DeclarationRequestSerializer,
        responses={200: AssignmentSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        assignment = _own(request, pk)
        data = _valid(DeclarationRequestSerializer, request)
        try:
            assignment = experts.declare(assignment=assignment, actor=request.user, **data)
        except ProcedureError as refusal:
            raise _answer(refusal) from refusal
        return Response(AssignmentSerializer(assignment_row(assignment)).data)


class OpinionView(APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        tags=["review"],
        operation_id="review_experts_opinion",
        summary=gettext_lazy("The expert's signed opinion"),
        request=OpinionRequestSerializer,
        responses={200: AssignmentSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        assignment = _own(request, pk)
        data = _valid(OpinionRequestSerializer, request)
        try:
            assignment = experts.submit_opinion(assignment=assignment, actor=request.user, **data)
        except ProcedureError as refusal:
            raise _answer(refusal) from refusal
        return Response(AssignmentSerializer(assignment_row(assignment)).data)


class UsageView(APIView):
    @extend_schema(
        tags=["review"],
        operation_id="review_experts_usage",
        summary=gettext_lazy("The undertaking unit's answer: how the opinion was used (Art. 21)"),
        request=UsageRequestSerializer,
        responses={200: AssignmentSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        assignment = get_object_or_404(ExpertAssignment.objects.select_related("expert"), pk=pk)
        _expert_step(request, assignment.step_id)
        data = _valid(UsageRequestSerializer, request)
        try:
            assignment = experts.answer_opinion(assignment=assignment, actor=request.user, **data)
        except ProcedureError as refusal:
            raise _answer(refusal) from refusal
        return Response(AssignmentSerializer(assignment_row(assignment)).data)
