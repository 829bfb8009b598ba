"""The satisfaction surveys on the API (/api/v1/surveys/…): anonymous reads and responses, the results once closed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import surveys
from evaluation.models import SatisfactionSurvey, SurveyAnswer, SurveyResponse
from tests.evaluation.test_surveys import STATEMENTS, evaluating_decision, ratings, set_up

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def evaluating(world):
    return evaluating_decision(world)


def post(client, survey, body):
    return client.post(
        reverse("api:survey_responses", args=[survey.pk]),
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def all_ratings(survey, value=4) -> dict:
    return {str(q.pk): value for q in surveys.questions_of(survey)}


def close(survey):
    today = timezone.localdate()
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(
        opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1)
    )
    survey.refresh_from_db()


def test_the_survey_anonymously(client, world, evaluating):
    survey = set_up(world, evaluating)
    body = client.get(reverse("api:survey", args=[survey.pk])).json()
    assert body["title"] == survey.title
    assert body["is_open"] is True and body["state"] == "open"
    assert body["decision"] == evaluating.pk
    assert [q["text"] for q in body["questions"]] == STATEMENTS
    assert [r["rating"] for r in body["ratings"]] == [1, 2, 3, 4, 5]
    assert client.get(reverse("api:survey", args=[999999])).status_code == 404


def test_a_response_is_201_and_stores_nothing_personal(client, world, evaluating):
    survey = set_up(world, evaluating)
    response = post(client, survey, {"ratings": all_ratings(survey, 5), "comment": "很好"})
    assert response.status_code == 201
    assert response.json() == {"survey": survey.pk, "ratings": 5}
    assert SurveyResponse.objects.get().comment == "很好"
    assert list(SurveyAnswer.objects.values_list("rating", flat=True)) == [5] * 5
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_a_missing_rating_is_400_naming_the_field(client, world, evaluating):
    survey = set_up(world, evaluating)
    _first, *rest = surveys.questions_of(survey)
    values = all_ratings(survey)
    del values[str(rest[0].pk)]
    response = post(client, survey, {"ratings": values})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "survey.ratings"
    assert body["missing"] == [f"question_{rest[0].pk}"]
    assert "not rated: 2. 票价调整合理" in body["message"]
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"ratings": "all good"}, ["ratings"]),
        ({"ratings": {}, "comment": 5}, ["comment"]),
    ],
)
def test_malformed_input_is_400(client, world, evaluating, body, missing):
    survey = set_up(world, evaluating)
    response = post(client, survey, body)
    assert response.status_code == 400
    assert response.json()["missing"] == missing
    assert not SurveyResponse.objects.exists()


def test_a_rating_outside_one_to_five_is_400(client, world, evaluating):
    survey = set_up(world, evaluating)
    values = all_ratings(survey)
    question = surveys.questions_of(survey)[0]
    values[str(question.pk)] = 9
    response = post(client, survey, {"ratings": values})
    assert response.status_code == 400
    assert response.json()["code"] == "input.invalid"
    assert response.json()["missing"] == [f"question_{question.pk}"]


def test_a_closed_survey_is_409(client, world, evaluating):
    survey = set_up(world, evaluating)
    close(survey)
    response = post(client, survey, {"ratings": all_ratings(survey)})
    assert response.status_code == 409
    assert response.json()["code"] == "survey.closed"
    assert survey.closes_on.isoformat() in response.json()["message"]


def test_over_the_rate_limit_is_429(client, world, evaluating, settings):
    settings.SURVEY_RATE_PER_ADDRESS = 1
    survey = set_up(world, evaluating)
    assert post(client, survey, {"ratings": all_ratings(survey)}).status_code == 201
    response = post(client, survey, {"ratings": all_ratings(survey)})
    assert response.status_code == 429
    assert response.json()["code"] == "survey.rate_limited"
    assert response["Retry-After"] == "3600"
    assert SurveyResponse.objects.count() == 1


def test_results_anonymous_once_closed_staff_any_time(client, world, evaluating):
    survey = set_up(world, evaluating, questions=["甲"])
    for value in (5, 4, 2):
        surveys.answer_survey(survey=survey, ratings=ratings(survey, value))
    url = reverse("api:survey_results", args=[survey.pk])
    response = client.get(url)
    assert response.status_code == 409
    assert response.json()["code"] == "survey.results_not_public"
    client.force_login(world.evaluator)
    body = client.get(url).json()
    assert body["is_closed"] is False
    assert body["responses"] == 3
    assert body["questions"][0]["distribution"] == [0, 1, 0, 1, 1]
    assert body["questions"][0]["mean"] == 3.67
    assert body["questions"][0]["satisfied_share"] == pytest.approx(0.6667)
    client.logout()
    close(survey)
    body = client.get(url).json()
    assert body["is_closed"] is True and body["questions"][0]["satisfied"] == 2
