"""The risk assessment and the fair-competition checklist on the API (/api/v1/review/risk/, namespace `api`).

No rule lives here: reads go through `decisions.access.step_for` (a step of another organization's decision is 404,
as is a step of another kind); acts through `review.risk` and `review.fair_competition`, which check the permission
(only the undertaking unit's drafter acts) and the rules. Answers of a POST:

* 201 — done; the assessment or the checklist as the GET gives it;
* 400 — bad input (code `input.invalid`, or the service's code naming its `fields` in `missing`);
* 403 — not logged in, or not the unit (`permission.*`);
* 404 — no such step for this user, or a step of another kind;
* 409 — refused by the state (e.g. the step was submitted).

Nothing changes on a refusal: each service is one transaction.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ApiRefusal, ErrorSerializer
from decisions.access import step_for
from decisions.errors import ProcedureError
from decisions.procedure import StepKind

from . import fair_competition, risk
from .checklist import GROUPS
from .models import FairCompetitionReview, RiskAssessment, RiskItem

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Bad input (code input.invalid, or the service's code).")),
    403: OpenApiResponse(ErrorSerializer, description=_("Not logged in, or not permitted (code permission.*).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such step of this kind for this user.")),
    409: OpenApiResponse(ErrorSerializer, description=_("Refused by the state of the step or the decision.")),
}


def _step(request, pk: int, kind: str):
    step = step_for(request.user, pk)
    if step.kind != kind:
        raise Http404
    return step


# ---------------------------------------------------------------- serializers


class RiskItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskItem
        fields = ["id", "order", "dimension", "description", "likelihood", "impact", "measures"]
        read_only_fields = fields


class RiskItemRequestSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=RiskItem.Dimension.choices)
    description = serializers.CharField(max_length=5000)
    likelihood = serializers.ChoiceField(choices=RiskItem.Grade.choices)
    impact = serializers.ChoiceField(choices=RiskItem.Grade.choices)
    measures = serializers.CharField(max_length=5000)


class RiskAssessmentSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    assessor = serializers.CharField(help_text=_("unit or third_party; empty when not recorded."))
    assessing_org = serializers.IntegerField(allow_null=True)
    methods = serializers.ListField(child=serializers.CharField())
    risk_level = serializers.CharField(help_text=_("high, medium or low; empty when not recorded."))
    suggested_level = serializers.CharField(help_text=_("The level the items suggest (highest likelihood × impact)."))
    controllable = serializers.BooleanField()
    blocks_the_decision = serializers.BooleanField()
    measures = serializers.CharField()
    items = RiskItemSerializer(many=True)


def assessment_body(step) -> dict:
    assessment = RiskAssessment.objects.filter(step=step).first()
    items = list(assessment.items.all()) if assessment is not None else []
    return {
        "step": step.pk,
        "assessor": assessment.assessor if assessment else "",
        "assessing_org": assessment.assessing_org_id if assessment else None,
        "methods": assessment.methods if assessment else [],
        "risk_level": assessment.risk_level if assessment else "",
        "suggested_level": risk.suggested_level(items),
        "controllable": assessment.controllable if assessment else False,
        "blocks_the_decision": assessment.blocks_the_decision if assessment else False,
        "measures": assessment.measures if assessment else "",
        "items": items,
    }


class ChecklistQuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    text_zh = serializers.CharField()
    text = serializers.CharField()
    answer = serializers.CharField(help_text=_("no, yes or not_relevant; empty when not answered."))
    note = serializers.CharField()


class ChecklistGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    title_zh = serializers.CharField()
    title = serializers.CharField()
    questions = ChecklistQuestionSerializer(many=True)


class ChecklistSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    groups = ChecklistGroupSerializer(many=True)
    restriction_kept = serializers.BooleanField()
    exception = serializers.CharField()
    exception_term = serializers.CharField()
    conclusion = serializers.CharField()


class ChecklistAnswersRequestSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text=_('Question code → "no", "yes" or "not_relevant", or {"answer": …, "note": …}.'),
    )


def checklist_body(step) -> dict:
    review = FairCompetitionReview.objects.filter(step=step).first()
    answers = fair_competition.answers_of(review)
    return {
        "step": step.pk,
        "groups": [
            {
                "code": group.code,
                "title_zh": group.title_zh,
                "title": str(group.title),
                "questions": [
                    {
                        "code": question.code,
                        "text_zh": question.text_zh,
                        "text": str(question.text),
                        "answer": answers[question.code].answer if question.code in answers else "",
                        "note": answers[question.code].note if question.code in answers else "",
                    }
                    for question in group.questions
                ],
            }
            for group in GROUPS
        ],
        "restriction_kept": review.restriction_kept if review else False,
        "exception": review.exception if review else "",
        "exception_term": review.exception_term if review else "",
        "conclusion": review.conclusion if review else "",
    }


def _refused(refusal: ProcedureError) -> ApiRefusal:
    return ApiRefusal.answering(refusal)


# ---------------------------------------------------------------- views


class RiskAssessmentView(APIView):
    @extend_schema(
        tags=["review"],
        summary=_("A risk assessment step's record with its identified risks (Decree 713 Art. 22–24)"),
        responses={200: RiskAssessmentSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        step = _step(request, pk, StepKind.RISK_ASSESSMENT)
        return Response(RiskAssessmentSerializer(assessment_body(step)).data)


class RiskItemsView(APIView):
    @extend_schema(
        tags=["review"],
        summary=_("Record an identified risk (the undertaking unit)"),
        request=RiskItemRequestSerializer,
        responses={201: RiskAssessmentSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        step = _step(request, pk, StepKind.RISK_ASSESSMENT)
        sent = RiskItemRequestSerializer(data=request.data)
        if not sent.is_valid():
            raise ValidationError(sent.errors)
        try:
            risk.add_item(step=step, actor=request.user, **sent.validated_data)
        except ProcedureError as refusal:
            raise _refused(refusal) from refusal
        return Response(RiskAssessmentSerializer(assessment_body(step)).data, status=201)


class FairCompetitionChecklistView(APIView):
    @extend_schema(
        tags=["review"],
        summary=_("A fair-competition review step's checklist with its answers (Decree 713 Art. 29)"),
        responses={200: ChecklistSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        step = _step(request, pk, StepKind.FAIR_COMPETITION_REVIEW)
        return Response(ChecklistSerializer(checklist_body(step)).data)


class FairCompetitionAnswersView(APIView):
    @extend_schema(
        tags=["review"],
        summary=_("Answer questions of the fair-competition checklist (the undertaking unit)"),
        request=ChecklistAnswersRequestSerializer,
        responses={201: ChecklistSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        step = _step(request, pk, StepKind.FAIR_COMPETITION_REVIEW)
        sent = ChecklistAnswersRequestSerializer(data=request.data)
        if not sent.is_valid():
            raise ValidationError(sent.errors)
        try:
            fair_competition.answer_questions(step=step, actor=request.user, answers=sent.validated_data["answers"])
        except ProcedureError as refusal:
            raise _refused(refusal) from refusal
        return Response(ChecklistSerializer(checklist_body(step)).data, status=201)
