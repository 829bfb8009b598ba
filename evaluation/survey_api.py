"""The satisfaction surveys on the API (/api/v1/surveys/…, Decree 713 Art. 36): anonymous, as the portal's pages.

* `GET surveys/{id}/` — the survey of a public decision: title, introduction, dates, whether it is open, the
  statements (id, order, text) and the rating labels.
* `POST surveys/{id}/responses/` — an anonymous response: `{"ratings": {"<statement id>": 1..5, …}, "comment": …}`,
  through the portal's form and the same service (`surveys.answer_survey`). 201 with the ratings counted; 400 bad
  input (`missing` names the fields: `question_<id>` for each statement not rated, `comment`), 404 no such survey,
  409 not open (closed or not yet open, the message gives the dates), 429 over the rate limit (with Retry-After).
  Nothing personal is asked or stored: no name, no contact, no address.
* `GET surveys/{id}/results/` — per statement the count, mean, distribution over 1–5 and the share satisfied (4–5);
  public once the survey has closed, before that only for staff who see the decision (409 otherwise).
"""

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability.context import client_ip
from accounts.api import ApiRefusal, ErrorSerializer
from decisions.selectors import visible_decisions

from . import surveys
from .models import SatisfactionSurvey
from .survey_forms import SurveyAnswerForm

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Bad input (code input.invalid, survey.*).")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such survey (code not_found).")),
    409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not open, or the results are not public yet.")),
    429: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Too many responses (code survey.rate_limited).")),
}


def _errors(*statuses: int) -> dict:
    return {status: ERRORS[status] for status in statuses}


class SurveyQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    text = serializers.CharField()


class RatingLabelSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    label = serializers.CharField()


class SurveySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    introduction = serializers.CharField()
    decision = serializers.IntegerField(help_text=gettext_lazy("The decision's id (open data)."))
    decision_title = serializers.CharField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    is_open = serializers.BooleanField()
    # A plain string, not an enum: the schema's "state"/"status" enums of other endpoints would collide by name.
    state = serializers.CharField(help_text=gettext_lazy("scheduled, open or closed."))
    questions = SurveyQuestionSerializer(many=True)
    ratings = RatingLabelSerializer(many=True)


class SurveyResponseRequestSerializer(serializers.Serializer):
    ratings = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5),
        help_text=gettext_lazy("Each statement's id → its rating, 1 (very dissatisfied) to 5 (very satisfied)."),
    )
    comment = serializers.CharField(required=False, help_text=gettext_lazy("Optional, at most 2,000 characters."))


class SurveyResponseCreatedSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    ratings = serializers.IntegerField(help_text=gettext_lazy("The number of statements rated."))


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    distribution = serializers.ListField(
        child=serializers.IntegerField(), help_text=gettext_lazy("The number of ratings 1, 2, 3, 4 and 5.")
    )
    satisfied = serializers.IntegerField(help_text=gettext_lazy("Rated 4 or 5."))
    satisfied_share = serializers.FloatField(allow_null=True, help_text=gettext_lazy("From 0 to 1."))


class SurveyResultsSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    closes_on = serializers.DateField()
    is_closed = serializers.BooleanField()
    responses = serializers.IntegerField()
    comments = serializers.IntegerField(
        help_text=gettext_lazy("Responses with a comment (the comments are not public).")
    )
    questions = QuestionResultSerializer(many=True)


def _survey_or_404(pk: int) -> SatisfactionSurvey:
    survey = surveys.public_survey(pk)
    if survey is None:
        raise ApiRefusal(404, "not_found", _("Not found."))
    return survey


def survey_body(survey: SatisfactionSurvey) -> dict:
    decision = survey.evaluation.step.decision
    return {
        "id": survey.pk,
        "title": survey.title,
        "introduction": survey.introduction,
        "decision": decision.pk,
        "decision_title": decision.title,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "is_open": surveys.is_open(survey),
        "state": surveys.survey_state(survey),
        "questions": [{"id": q.pk, "order": q.order, "text": q.text} for q in surveys.questions_of(survey)],
        "ratings": [{"rating": value, "label": str(label)} for value, label in surveys.RATING_LABELS],
    }


class PublicView(APIView):
    authentication_classes: list = []  # anonymous: no session, no CSRF
    permission_classes = [AllowAny]


class SurveyDetailView(PublicView):
    @extend_schema(
        tags=["surveys"],
        auth=[],
        operation_id="surveys_retrieve",
        summary=gettext_lazy("A satisfaction survey of a post-decision evaluation (anonymous)"),
        responses={200: SurveySerializer, **_errors(404)},
    )
    def get(self, request, pk: int):
        response = Response(SurveySerializer(survey_body(_survey_or_404(pk))).data)
        patch_cache_control(response, public=True, max_age=60)
        return response


class SurveyResponseCreateView(PublicView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["surveys"],
        auth=[],
        operation_id="surveys_responses_create",
        summary=gettext_lazy("Answer a satisfaction survey (anonymous)"),
        request=SurveyResponseRequestSerializer,
        responses={201: SurveyResponseCreatedSerializer, **_errors(400, 404, 409, 429)},
    )
    def post(self, request, pk: int):
        survey = _survey_or_404(pk)
        sent = request.data if isinstance(request.data, dict) else {}
        ratings = sent.get("ratings") or {}
        if not isinstance(ratings, dict):
            raise ApiRefusal(
                400, "input.invalid", _("Send the ratings as an object: statement id → 1 to 5."), missing=["ratings"]
            )
        comment = sent.get("comment") or ""
        if not isinstance(comment, str):
            raise ApiRefusal(400, "input.invalid", _("Send the comment as text."), missing=["comment"])
        data = {"comment": comment}
        for question in surveys.questions_of(survey):
            value = ratings.get(str(question.pk))
            if value is not None:
                data[surveys.rating_field(question)] = str(value)
        form = SurveyAnswerForm(data, survey=survey)
        if not form.is_valid():
            errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            raise ApiRefusal(
                400,
                "input.invalid",
                _("Check the input: some values are not valid."),
                missing=[name for name in errors if name != "__all__"],
                errors=errors,
            )
        try:
            surveys.answer_survey(
                survey=survey,
                ratings=form.ratings(),
                comment=form.cleaned_data["comment"],
                client_address=client_ip(request),
            )
        except surveys.SurveyError as refusal:
            error = ApiRefusal(refusal.status or 400, refusal.code, refusal.message, missing=refusal.fields or ())
            error.wait = refusal.wait
            raise error from refusal
        return Response(
            SurveyResponseCreatedSerializer({"survey": survey.pk, "ratings": len(form.questions)}).data, status=201
        )


class SurveyResultsView(APIView):
    """Anonymous once closed; staff who see the decision at any time (the session or token of the API)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["surveys"],
        operation_id="surveys_results_retrieve",
        summary=gettext_lazy("The results of a satisfaction survey"),
        responses={200: SurveyResultsSerializer, **_errors(404, 409)},
    )
    def get(self, request, pk: int):
        survey = _survey_or_404(pk)
        closed = surveys.is_closed(survey)
        decision_id = survey.evaluation.step.decision_id
        if not closed and not visible_decisions(request.user).filter(pk=decision_id).exists():
            raise ApiRefusal(
                409,
                "survey.results_not_public",
                _("The results are published once the survey has closed (it takes answers until %(date)s).")
                % {"date": survey.closes_on.isoformat()},
            )
        results = surveys.survey_results(survey)
        body = {
            "survey": survey.pk,
            "closes_on": survey.closes_on,
            "is_closed": closed,
            "responses": results["responses"],
            "comments": results["comments"],
            "questions": [{key: row[key] for key in QuestionResultSerializer().fields} for row in results["questions"]],
        }
        response = Response(SurveyResultsSerializer(body).data)
        if closed:
            patch_cache_control(response, public=True, max_age=60)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response
