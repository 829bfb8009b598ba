"""POST /api/v1/follows/: follow a published decision or an organ's catalog by e-mail, as the portal's form does.

No login: a citizen's request, answered like the form — 202 "check your mail" whatever the address already follows
(the answer never tells), 400 for bad input, 404 for an unknown, unpublished or confidential decision or an unknown
organ, 429 over the rate limit (with Retry-After). Every error has the API's common body (`accounts.api`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability.context import client_ip
from accounts.api import ApiRefusal, ErrorSerializer

from . import follow as following
from .follow import PURPOSE, FollowRefusal

MAX_ID = 2**63 - 1  # the largest bigint


class FollowRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text=PURPOSE)
    decision = serializers.CharField(
        required=False,
        max_length=30,
        help_text=gettext_lazy(
            "The number of a published decision, e.g. 2026-001 (with `organ` when several organs use the number). "
            "Without it, `organ` alone follows the organ's catalog."
        ),
    )
    organ = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=gettext_lazy("The id of a decision organ: its catalog, or where to find `decision`."),
    )

    def validate(self, data):
        if not data.get("decision") and not data.get("organ"):
            raise ValidationError({"decision": [_("Give the decision's number, or an organ.")]})
        return data


class FollowAnswerSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("Always follow.check_mail."))
    message = serializers.CharField(help_text=gettext_lazy("Check your mail, in the user's language."))


def _refusal(refusal: FollowRefusal) -> ApiRefusal:
    error = ApiRefusal(refusal.status, refusal.code, refusal.message)
    error.wait = refusal.wait  # Retry-After (DRF's handler sets it)
    return error


def _not_found(message) -> ApiRefusal:
    return ApiRefusal(404, "not_found", message)


class FollowCreateView(APIView):
    authentication_classes: list = []  # a citizen, not a session: no login, and so no CSRF to send
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["follows"],
        auth=[],
        summary="Follow a published decision or an organ's catalog by e-mail",
        description=(
            "Double opt-in, no account: a confirmation mail is sent, and nothing else until the address confirms. "
            "The answer is 202 whether or not the address already follows (it is never told). Rate-limited per "
            "client address and per e-mail address (429, with Retry-After)."
        ),
        request=FollowRequestSerializer,
        examples=[
            OpenApiExample("Decision", value={"email": "citizen@example.cn", "decision": "2026-001", "organ": 1}),
            OpenApiExample("Organ catalog", value={"email": "citizen@example.cn", "organ": 1}),
        ],
        responses={
            202: FollowAnswerSerializer,
            400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Bad input (code input.invalid).")),
            404: OpenApiResponse(
                ErrorSerializer,
                description=gettext_lazy("No such published decision or organ (code not_found)."),
            ),
            429: OpenApiResponse(
                ErrorSerializer, description=gettext_lazy("Too many requests (code follow.rate_limited).")
            ),
        },
    )
    def post(self, request):
        serializer = FollowRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decision = organ = None
        if data.get("decision"):
            matches = following.followable_decisions().filter(number=data["decision"].strip())
            if data.get("organ"):
                matches = matches.filter(organ_id=data["organ"])
            found = list(matches.select_related("organ")[:2])
            if not found:
                raise _not_found(_("No such published decision."))
            if len(found) > 1:
                raise ValidationError({"organ": [_("Several organs use this number: give the organ too.")]})
            decision = found[0]
        else:
            organ = following.followable_organs().filter(pk=data["organ"]).first()
            if organ is None:
                raise _not_found(_("No such decision organ."))
        try:
            following.request_follow(
                email=data["email"], decision=decision, organ=organ, client_address=client_ip(request)
            )
        except FollowRefusal as refusal:
            raise _refusal(refusal) from refusal
        answer = {
            "code": "follow.check_mail",
            "message": _(
                "If the address can receive mail, a message to confirm is on its way: check your mail. Nothing else "
                "is sent until the address is confirmed."
            ),
        }
        return Response(FollowAnswerSerializer(answer).data, status=202)
