"""The legality review workspace on the API (/api/v1/review/legality/, namespace `api`).

No rule lives here: reads go through `decisions.access.step_for` (a step of another organization's decision is 404,
as is a step of another kind); acts through `review.legality`, which checks the permission (the legal office's
reviewer of the organ) and the rules. Answers of a POST: 201 done (the workspace as the GET gives it); 400 bad input;
403 not permitted (`permission.*`); 404 no such step for this user; 409 refused by the state (the opinion is given).
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

from . import legality
from .models import AdviserOpinion, LegalityReview, RequiredChange
from .selectors import legality_materials

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Bad input (code input.invalid, or the service's code).")),
    403: OpenApiResponse(ErrorSerializer, description=_("Not logged in, or not permitted (code permission.*).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such step of this kind for this user.")),
    409: OpenApiResponse(ErrorSerializer, description=_("Refused by the state of the step or the decision.")),
}


def _step(request, pk: int):
    step = step_for(request.user, pk)
    if step.kind != StepKind.LEGALITY_REVIEW:
        raise Http404
    return step


class MaterialSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    source = serializers.CharField()
    present = serializers.BooleanField()
    text = serializers.CharField()
    document = serializers.IntegerField(allow_null=True, help_text=_("The document's id, when it is a document."))


class AdviserOpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdviserOpinion
        fields = ["id", "adviser", "kind", "asked_on", "opinion", "answered_on", "recorded_at"]
        read_only_fields = fields


class AdviserOpinionRequestSerializer(serializers.Serializer):
    adviser = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=AdviserOpinion.Kind.choices)
    asked_on = serializers.DateField()
    opinion = serializers.CharField(max_length=20000)
    answered_on = serializers.DateField()


class RequiredChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredChange
        fields = ["id", "order", "text", "change_note", "changed_at", "confirmed", "confirmed_at"]
        read_only_fields = fields


class ChangeNoteRequestSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=20000)


class LegalityWorkspaceSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    decision = serializers.IntegerField()
    opinion = serializers.CharField(help_text=_("The legality opinion; empty while the review is under way."))
    materials = MaterialSerializer(many=True)
    adviser_opinions = AdviserOpinionSerializer(many=True)
    required_changes = RequiredChangeSerializer(many=True)


def workspace_body(step) -> dict:
    review = LegalityReview.objects.filter(step=step).first()
    return {
        "step": step.pk,
        "decision": step.decision_id,
        "opinion": review.opinion if review else "",
        "materials": [
            {
                "key": m.key,
                "label": str(m.label),
                "source": str(m.source),
                "present": m.present,
                "text": m.text,
                "document": m.document.pk if m.document else None,
            }
            for m in legality_materials(step.decision)
        ],
        "adviser_opinions": list(review.adviser_opinions.all()) if review else [],
        "required_changes": list(review.change_items.all()) if review else [],
    }


class LegalityWorkspaceView(APIView):
    @extend_schema(
        tags=["review"],
        summary=_("A legality review's materials and advisers' opinions (Decree 713 Art. 25–28)"),
        responses={200: LegalityWorkspaceSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        step = _step(request, pk)
        return Response(LegalityWorkspaceSerializer(workspace_body(step)).data)


class AdviserOpinionsView(APIView):
    @extend_schema(
        tags=["review"],
        summary=_("Record a legal adviser's or public lawyer's opinion (the legal office's reviewer)"),
        request=AdviserOpinionRequestSerializer,
        responses={201: LegalityWorkspaceSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        step = _step(request, pk)
        sent = AdviserOpinionRequestSerializer(data=request.data)
        if not sent.is_valid():
            raise ValidationError(sent.errors)
        try:
            legality.record_adviser_opinion(step=step, actor=request.user, **sent.validated_data)
        except ProcedureError as refusal:
            raise ApiRefusal.answering(refusal) from refusal
        return Response(LegalityWorkspaceSerializer(workspace_body(step)).data, status=201)


class ChangeNoteView(APIView):
    @extend_schema(
        tags=["review"],
        summary=_("Say what was changed for one required change (the undertaking unit's drafter, Art. 28)"),
        request=ChangeNoteRequestSerializer,
        responses={201: LegalityWorkspaceSerializer, **ERRORS},
    )
    def post(self, request, pk: int, item_pk: int):
        step = _step(request, pk)
        change = RequiredChange.objects.filter(pk=item_pk, review__step=step).first()
        if change is None:
            raise Http404
        sent = ChangeNoteRequestSerializer(data=request.data)
        if not sent.is_valid():
            raise ValidationError(sent.errors)
        try:
            legality.record_change_made(change=change, actor=request.user, note=sent.validated_data["note"])
        except ProcedureError as refusal:
            raise ApiRefusal.answering(refusal) from refusal
        return Response(LegalityWorkspaceSerializer(workspace_body(step)).data, status=201)
