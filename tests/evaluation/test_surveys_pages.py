"""The satisfaction survey's pages: on the portal (the form, the thank-you page, the results with their chart, the
link on the decision's page) and in the staff workspace (set-up, results, who sees it)."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from evaluation import surveys
from evaluation.models import SatisfactionSurvey, SurveyAnswer, SurveyResponse
from tests.evaluation.test_surveys import STATEMENTS, evaluating_decision, evaluation_of, ratings, set_up
from tests.factories import log_in_in_english

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def evaluating(world):
    return evaluating_decision(world)


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def answer_data(survey, *values, **extra):
    data = {f"question_{q.pk}": str(v) for q, v in zip(surveys.questions_of(survey), values, strict=False)}
    return data | {"comment": ""} | extra


def close(survey, days_ago=1):
    """The survey's days are over (set directly: its dates cannot be moved into the past through the service)."""
    today = timezone.localdate()
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(
        opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=days_ago)
    )
    survey.refresh_from_db()


# ---------------------------------------------------------------- the portal


def test_the_survey_page_has_a_fieldset_per_statement_and_is_never_cached(client, world, evaluating):
    survey = set_up(world, evaluating)
    response = in_english(client).get(reverse("portal:survey", args=[survey.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    page = response.content.decode()
    assert page.count("<fieldset") == len(STATEMENTS)
    for question in surveys.questions_of(survey):
        assert f"<legend>{question.order}. {question.text}</legend>" in page
        assert page.count(f'name="question_{question.pk}"') == 5
    assert "Very dissatisfied" in page and "Very satisfied" in page
    assert 'name="website"' in page  # the honeypot
    assert re.search(r'<label for="id_question_\d+_0"', page)


def test_an_answer_is_counted_and_thanked(client, world, evaluating):
    survey = set_up(world, evaluating)
    response = in_english(client).post(
        reverse("portal:survey", args=[survey.pk]), answer_data(survey, 5, 4, 3, 4, 5, comment="换乘方便多了")
    )
    assert response.status_code == 200
    assert "Thank you for your answers" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    stored = SurveyResponse.objects.get()
    assert stored.comment == "换乘方便多了"
    assert sorted(SurveyAnswer.objects.values_list("rating", flat=True)) == [3, 4, 4, 5, 5]


def test_the_honeypot_refuses_and_stores_nothing(client, world, evaluating):
    survey = set_up(world, evaluating)
    response = in_english(client).post(
        reverse("portal:survey", args=[survey.pk]), answer_data(survey, 5, 5, 5, 5, 5, website="http://spam")
    )
    assert response.status_code == 400
    assert "a field that must stay empty was filled in" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_unrated_statement_is_shown_at_its_fieldset(client, world, evaluating):
    survey = set_up(world, evaluating)
    response = in_english(client).post(reverse("portal:survey", args=[survey.pk]), answer_data(survey, 5, 5, 5))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rate every statement from 1 to 5; not rated: 4. 信息公开及时; 5. 总体满意." in page
    assert page.count('class="field survey-rating has-error"') == 2
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_refuses_answers_with_its_dates(client, world, evaluating):
    survey = set_up(world, evaluating)
    close(survey)
    page = in_english(client).get(reverse("portal:survey", args=[survey.pk])).content.decode()
    assert "answers are no longer taken" in page and "<fieldset" not in page
    response = client.post(reverse("portal:survey", args=[survey.pk]), answer_data(survey, 5, 5, 5, 5, 5))
    assert response.status_code == 409
    assert f"The survey takes answers from {survey.opens_on.isoformat()} to {survey.closes_on.isoformat()}." in (
        response.content.decode()
    )
    assert not SurveyResponse.objects.exists()


def test_the_rate_limit_on_the_portal(client, world, evaluating, settings):
    settings.SURVEY_RATE_PER_ADDRESS = 1
    survey = set_up(world, evaluating)
    url = reverse("portal:survey", args=[survey.pk])
    assert in_english(client).post(url, answer_data(survey, 4, 4, 4, 4, 4)).status_code == 200
    response = client.post(url, answer_data(survey, 4, 4, 4, 4, 4))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many responses from here" in response.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_results_are_public_once_closed_with_a_chart_and_a_table(client, world, evaluating):
    survey = set_up(world, evaluating, questions=["甲", "乙"])
    for first, second in [(5, 1), (4, 2), (4, 3), (2, 5), (1, 5)]:
        surveys.answer_survey(
            survey=survey, ratings=ratings(survey, first, second), comment="意见" if first > 4 else ""
        )
    url = reverse("portal:survey_results", args=[survey.pk])
    page = in_english(client).get(url).content.decode()
    assert "The results are published after the survey closes" in page
    assert "survey-results" not in page and "survey_charts.js" not in page
    close(survey)
    client.cookies["django_language"] = "en"
    response = client.get(url + "?fresh=1")  # the page before was cached (portal.cache)
    page = response.content.decode()
    assert response.status_code == 200
    data = json.loads(re.search(r'<script id="survey-results" type="application/json">(.*?)</script>', page).group(1))
    assert data["labels"] == [
        "Very dissatisfied",
        "Dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Satisfied",
        "Very satisfied",
    ]
    assert [q["distribution"] for q in data["questions"]] == [[1, 1, 0, 2, 1], [1, 1, 1, 0, 2]]
    for question in data["questions"]:
        assert f'id="survey-chart-{question["id"]}"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "js/survey_charts.js" in page
    assert "<td>3.20</td>" in page and "<td>60.0%</td>" in page and "<td>40.0%</td>" in page
    assert "5 responses" in page and "1 with a comment" in page
    assert "意见" not in page  # the comments themselves are not published


def test_the_decision_page_links_the_open_survey_then_its_results(client, world, evaluating):
    survey = set_up(world, evaluating)
    url = reverse("portal:decision", args=[evaluating.pk])
    page = in_english(client).get(url).content.decode()
    closes = survey.closes_on.isoformat()
    assert f"Satisfaction survey: open, closes on {closes}." in page
    assert reverse("portal:survey", args=[survey.pk]) in page
    surveys.answer_survey(survey=survey, ratings=ratings(survey, 4, 4, 4, 4, 4))
    close(survey)
    page = client.get(url).content.decode()
    assert f"Satisfaction survey: closed on {survey.closes_on.isoformat()}, 1 response." in page
    assert reverse("portal:survey_results", args=[survey.pk]) in page


def test_no_survey_for_an_unknown_id(client, db):
    assert client.get(reverse("portal:survey", args=[999999])).status_code == 404
    assert client.get(reverse("portal:survey_results", args=[999999])).status_code == 404


# ---------------------------------------------------------------- the staff workspace


def manage_url(decision) -> str:
    return reverse("surveys:manage", args=[evaluation_of(decision).pk])


def set_up_data(**values):
    today = timezone.localdate()
    return {
        "title": "满意度调查",
        "introduction": "",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=20)).isoformat(),
        "questions": "线路更方便\n票价合理\n",
    } | values


def test_the_staff_decision_page_links_the_survey(client, world, evaluating):
    page = log_in_in_english(client, world.gov).get(reverse("manage:decision", args=[evaluating.pk])).content.decode()
    link = reverse("surveys:for_decision", args=[evaluating.pk])
    assert link in page
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == manage_url(evaluating)


def test_the_government_office_sets_up_the_survey_on_its_page(client, world, evaluating):
    log_in_in_english(client, world.gov)
    page = client.get(manage_url(evaluating)).content.decode()
    assert 'name="questions"' in page and "Set up the survey" in page
    response = client.post(manage_url(evaluating), set_up_data())
    assert response.status_code == 302
    survey = SatisfactionSurvey.objects.get()
    assert [q.text for q in surveys.questions_of(survey)] == ["线路更方便", "票价合理"]
    assert LedgerEvent.objects.filter(action="survey.set_up").count() == 1
    page = client.get(manage_url(evaluating)).content.decode()
    assert "Change the survey (until the first response)" in page
    assert reverse("portal:survey", args=[survey.pk]) in page


def test_a_refused_set_up_shows_the_message_and_stores_nothing(client, world, evaluating):
    log_in_in_english(client, world.evaluator)
    response = client.post(manage_url(evaluating), set_up_data(questions=""))
    assert response.status_code == 400
    assert "Give from 1 to 20 statements to rate, one a line; 0 given." in response.content.decode()
    assert not SatisfactionSurvey.objects.exists()


def test_readers_see_the_results_but_cannot_set_it_up(client, world, evaluating):
    survey = set_up(world, evaluating)
    surveys.answer_survey(survey=survey, ratings=ratings(survey, 5, 4, 3, 2, 1), comment="希望增加班次")
    log_in_in_english(client, world.drafter)
    page = client.get(manage_url(evaluating)).content.decode()
    assert 'name="questions"' not in page
    assert 'id="survey-results"' in page and "js/survey_charts.js" in page
    assert "希望增加班次" in page  # the comments, for the evaluation report
    response = client.post(manage_url(evaluating), set_up_data())
    assert response.status_code == 403
    assert "or the evaluation body sets up the satisfaction survey" in response.content.decode()


def test_once_answered_the_form_is_gone(client, world, evaluating):
    survey = set_up(world, evaluating)
    surveys.answer_survey(survey=survey, ratings=ratings(survey, 5, 4, 3, 2, 1))
    page = log_in_in_english(client, world.gov).get(manage_url(evaluating)).content.decode()
    assert 'name="questions"' not in page


def test_an_evaluator_sees_only_their_assignment(client, world, evaluating, other_evaluator):
    set_up(world, evaluating)
    log_in_in_english(client, other_evaluator)
    assert client.get(manage_url(evaluating)).status_code == 404
    assert client.post(manage_url(evaluating), set_up_data()).status_code == 404
    assert client.get(reverse("surveys:for_decision", args=[evaluating.pk])).status_code == 404
    log_in_in_english(client, world.evaluator)
    assert client.get(manage_url(evaluating)).status_code == 200


def test_no_survey_page_for_a_decision_not_being_evaluated(client, world, decision):
    log_in_in_english(client, world.gov)
    assert client.get(reverse("surveys:for_decision", args=[decision.pk])).status_code == 404
