"""The satisfaction survey of a post-decision evaluation (Art. 36): its set-up and every refusal, anonymous answers,
the results' arithmetic."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services
from evaluation import surveys
from evaluation.models import Evaluation, SatisfactionSurvey, SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.evaluation.helpers import in_execution, start
from tests.factories import make_decision
from tests.refusals import refused

pytestmark = pytest.mark.usefixtures("english")

STATEMENTS = ["公交线路更方便了", "票价调整合理", "换乘更顺畅", "信息公开及时", "总体满意"]


def survey_counts() -> tuple:
    return (
        SatisfactionSurvey.objects.count(),
        SurveyQuestion.objects.count(),
        SurveyResponse.objects.count(),
        SurveyAnswer.objects.count(),
    )


@contextmanager
def survey_refused(code, decision=None, *, says=()):
    """The refusal (code, message, nothing of the procedure changed) and no survey row written or removed."""
    before = survey_counts()
    with refused(code, decision, says=says, kind=surveys.SurveyError) as caught:
        yield caught
    assert survey_counts() == before


def evaluation_of(decision) -> Evaluation:
    return Evaluation.objects.get(step__decision=decision, step__kind="post_evaluation")


def evaluating_decision(world):
    """A decision under post-decision evaluation (started by the government office, the evaluator's body)."""
    decision = make_decision(world)
    in_execution(world, decision)
    start(world, decision)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def evaluating(world):
    return evaluating_decision(world)


def set_up(world, decision, actor=None, **values):
    today = timezone.localdate()
    arguments = {
        "title": "公交票价调整满意度调查",
        "introduction": "请就以下方面评价。",
        "opens_on": today,
        "closes_on": today + timedelta(days=30),
        "questions": STATEMENTS,
    } | values
    return surveys.set_up_survey(evaluation=evaluation_of(decision), actor=actor or world.gov, **arguments)


def ratings(survey, *values):
    return {q.pk: value for q, value in zip(surveys.questions_of(survey), values, strict=False)}


# ---------------------------------------------------------------- setting it up


def test_the_government_office_sets_up_the_survey_with_a_ledger_event(world, evaluating):
    survey = set_up(world, evaluating)
    assert [q.text for q in surveys.questions_of(survey)] == STATEMENTS
    assert [q.order for q in surveys.questions_of(survey)] == [1, 2, 3, 4, 5]
    event = LedgerEvent.objects.get(action="survey.set_up")
    assert event.decision_id == evaluating.pk
    assert event.after["questions"] == STATEMENTS
    assert event.role == "gov_office"
    assert surveys.survey_state(survey) == "open"


def test_the_evaluation_body_sets_it_up_too(world, evaluating):
    set_up(world, evaluating, actor=world.evaluator, questions=["总体满意"])
    assert LedgerEvent.objects.get(action="survey.set_up").role == "evaluator"


@pytest.mark.parametrize("who", ["drafter", "head", "legal_reviewer", "supervisor"])
def test_other_roles_are_refused(world, evaluating, who):
    with survey_refused("permission.survey", evaluating, says="government office"):
        set_up(world, evaluating, actor=getattr(world, who))


def test_another_evaluation_body_is_refused(world, evaluating, other_evaluator):
    with survey_refused("permission.survey", evaluating, says="evaluation body"):
        set_up(world, evaluating, actor=other_evaluator)


def test_refused_when_the_evaluation_is_not_running(world, evaluating):
    services.suspend_decision(decision=evaluating, actor=world.gov, reason="紧急情况，暂停执行。")
    evaluating.refresh_from_db()
    assert evaluating.status == "suspended"
    with survey_refused("survey.not_evaluating", evaluating, says="while the evaluation runs"):
        set_up(world, evaluating)


def test_once_per_evaluation(world, evaluating):
    set_up(world, evaluating)
    with survey_refused("survey.exists", evaluating, says="already has its satisfaction survey"):
        set_up(world, evaluating, title="第二份")


@pytest.mark.parametrize(
    ("values", "code", "says"),
    [
        ({"title": "  "}, "survey.title", "title"),
        ({"title": "长" * 201}, "survey.too_long", "at most 200"),
        ({"introduction": "长" * 5001}, "survey.too_long", "at most 5000"),
        ({"questions": []}, "survey.questions", "from 1 to 20"),
        ({"questions": ["", "  "]}, "survey.questions", "0 given"),
        ({"questions": [f"第{n}项" for n in range(21)]}, "survey.questions", "21 given"),
        ({"questions": ["好", "长" * 301]}, "survey.too_long", "Statement 2 is longer than 300"),
        ({"questions": ["好", "好"]}, "survey.questions_repeated", "twice"),
        ({"opens_on": None}, "survey.dates", "opens"),
        ({"closes_on": None}, "survey.dates", "closes"),
        ({"closes_on": "today"}, "survey.dates", "closes after the day it opens"),
        ({"opens_on": -40, "closes_on": -1}, "survey.dates", "already passed"),
        ({"closes_on": 91}, "survey.too_long_open", "at most 90 days (here 91)"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world, evaluating, values, code, says):
    today = timezone.localdate()
    for name in ("opens_on", "closes_on"):
        if values.get(name) == "today":
            values[name] = today
        elif isinstance(values.get(name), int):
            values[name] = today + timedelta(days=values[name])
    with survey_refused(code, evaluating, says=says) as caught:
        set_up(world, evaluating, **values)
    assert caught.value.fields  # a value sent: the API answers 400 naming it


def test_ninety_days_is_allowed(world, evaluating):
    survey = set_up(world, evaluating, closes_on=timezone.localdate() + timedelta(days=90))
    assert (survey.closes_on - survey.opens_on).days == 90


def test_blank_lines_are_dropped(world, evaluating):
    survey = set_up(world, evaluating, questions=["", " 总体满意 ", ""])
    assert [q.text for q in surveys.questions_of(survey)] == ["总体满意"]


def test_changing_it_before_the_first_response(world, evaluating):
    survey = set_up(world, evaluating)
    today = timezone.localdate()
    surveys.change_survey(
        survey=survey,
        actor=world.evaluator,
        title="新标题",
        introduction="",
        opens_on=today,
        closes_on=today + timedelta(days=10),
        questions=["总体满意", "服务态度"],
    )
    survey.refresh_from_db()
    assert survey.title == "新标题"
    assert [q.text for q in surveys.questions_of(survey)] == ["总体满意", "服务态度"]
    event = LedgerEvent.objects.get(action="survey.changed")
    assert event.before["questions"] == STATEMENTS and event.after["questions"] == ["总体满意", "服务态度"]


def test_changing_it_after_the_first_response_is_refused(world, evaluating):
    survey = set_up(world, evaluating)
    surveys.answer_survey(survey=survey, ratings=ratings(survey, 4, 4, 4, 4, 4))
    today = timezone.localdate()
    with survey_refused("survey.answered", evaluating, says="has been answered"):
        surveys.change_survey(
            survey=survey,
            actor=world.gov,
            title="新标题",
            opens_on=today,
            closes_on=today + timedelta(days=10),
            questions=["总体满意"],
        )
    survey.refresh_from_db()
    assert survey.title == "公交票价调整满意度调查"


# ---------------------------------------------------------------- answering it


def test_an_anonymous_answer_stores_nothing_personal_and_no_ledger_event(world, evaluating):
    survey = set_up(world, evaluating)
    events = LedgerEvent.objects.count()
    response = surveys.answer_survey(
        survey=survey, ratings=ratings(survey, 5, 4, 3, 2, 1), comment=" 很好 ", client_address="198.51.100.7"
    )
    assert LedgerEvent.objects.count() == events
    assert {field.name for field in SurveyResponse._meta.concrete_fields} == {"id", "survey", "comment", "submitted_at"}
    assert {field.name for field in SurveyAnswer._meta.concrete_fields} == {"id", "response", "question", "rating"}
    response.refresh_from_db()
    assert response.comment == "很好"
    assert sorted(response.answers.values_list("rating", flat=True)) == [1, 2, 3, 4, 5]
    stored = str(list(SurveyResponse.objects.values())) + str(list(SurveyAnswer.objects.values()))
    assert "198.51.100.7" not in stored


def test_every_statement_must_be_rated(world, evaluating):
    survey = set_up(world, evaluating)
    questions = surveys.questions_of(survey)
    with survey_refused("survey.ratings", evaluating, says=("not rated", "2. 票价调整合理", "5. 总体满意")) as caught:
        surveys.answer_survey(survey=survey, ratings={questions[0].pk: 5, questions[2].pk: 3, questions[3].pk: 4})
    assert caught.value.fields == (f"question_{questions[1].pk}", f"question_{questions[4].pk}")


@pytest.mark.parametrize("bad", [0, 6, "x", None])
def test_ratings_outside_one_to_five_are_refused(world, evaluating, bad):
    survey = set_up(world, evaluating)
    values = ratings(survey, 5, 5, 5, 5, 5)
    values[next(iter(values))] = bad
    with survey_refused("survey.ratings", evaluating, says="from 1 to 5"):
        surveys.answer_survey(survey=survey, ratings=values)


def test_a_comment_is_at_most_2000_characters(world, evaluating):
    survey = set_up(world, evaluating)
    with survey_refused("survey.comment_too_long", evaluating, says="at most 2000"):
        surveys.answer_survey(survey=survey, ratings=ratings(survey, 3, 3, 3, 3, 3), comment="长" * 2001)
    surveys.answer_survey(survey=survey, ratings=ratings(survey, 3, 3, 3, 3, 3), comment="长" * 2000)


def test_answers_only_while_open(world, evaluating):
    today = timezone.localdate()
    survey = set_up(world, evaluating, opens_on=today + timedelta(days=1), closes_on=today + timedelta(days=5))
    opens, closes = survey.opens_on.isoformat(), survey.closes_on.isoformat()
    with survey_refused("survey.closed", evaluating, says=(opens, closes)) as caught:
        surveys.answer_survey(survey=survey, ratings=ratings(survey, 3, 3, 3, 3, 3))
    assert caught.value.status == 409
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(
        opens_on=today - timedelta(days=10), closes_on=today - timedelta(days=1)
    )
    survey.refresh_from_db()
    assert surveys.survey_state(survey) == "closed"
    with survey_refused("survey.closed", evaluating, says="takes answers from"):
        surveys.answer_survey(survey=survey, ratings=ratings(survey, 3, 3, 3, 3, 3))


def test_the_rate_limit(world, evaluating, settings):
    settings.SURVEY_RATE_PER_ADDRESS = 2
    survey = set_up(world, evaluating)
    for _n in range(2):
        surveys.answer_survey(survey=survey, ratings=ratings(survey, 3, 3, 3, 3, 3), client_address="192.0.2.9")
    with survey_refused("survey.rate_limited", evaluating, says="Too many responses") as caught:
        surveys.answer_survey(survey=survey, ratings=ratings(survey, 3, 3, 3, 3, 3), client_address="192.0.2.9")
    assert caught.value.status == 429 and caught.value.wait == 3600
    surveys.answer_survey(survey=survey, ratings=ratings(survey, 3, 3, 3, 3, 3), client_address="192.0.2.10")


# ---------------------------------------------------------------- the results


def test_results_arithmetic(world, evaluating):
    survey = set_up(world, evaluating, questions=["甲", "乙"])
    for first, second, comment in [(5, 1, "好"), (4, 2, ""), (4, 3, ""), (2, 5, "还行"), (1, 5, "")]:
        surveys.answer_survey(survey=survey, ratings=ratings(survey, first, second), comment=comment)
    results = surveys.survey_results(survey)
    assert results["responses"] == 5
    assert results["comments"] == 2
    first, second = results["questions"]
    assert first["text"] == "甲" and first["count"] == 5
    assert first["distribution"] == [1, 1, 0, 2, 1]
    assert first["mean"] == 3.2  # (5 + 4 + 4 + 2 + 1) / 5
    assert first["satisfied"] == 3 and first["satisfied_share"] == 0.6 and first["satisfied_percent"] == 60.0
    assert second["distribution"] == [1, 1, 1, 0, 2]
    assert second["mean"] == 3.2
    assert second["satisfied_share"] == 0.4
    chart = surveys.chart_data(results)
    assert chart["labels"][0] == "Very dissatisfied" and chart["labels"][4] == "Very satisfied"
    assert chart["questions"][0]["distribution"] == [1, 1, 0, 2, 1]


def test_results_of_an_unanswered_survey(world, evaluating):
    survey = set_up(world, evaluating, questions=["甲"])
    results = surveys.survey_results(survey)
    assert results == {
        "responses": 0,
        "comments": 0,
        "questions": [
            {
                "id": results["questions"][0]["id"],
                "order": 1,
                "text": "甲",
                "count": 0,
                "mean": None,
                "distribution": [0, 0, 0, 0, 0],
                "satisfied": 0,
                "satisfied_share": None,
                "satisfied_percent": None,
            }
        ],
    }


def test_a_mean_is_rounded_to_two_places(world, evaluating):
    survey = set_up(world, evaluating, questions=["甲"])
    for value in (5, 4, 4):
        surveys.answer_survey(survey=survey, ratings=ratings(survey, value))
    row = surveys.survey_results(survey)["questions"][0]
    assert row["mean"] == 4.33 and row["satisfied_share"] == 1.0


# ---------------------------------------------------------------- the demo


def test_the_demo_survey(world):
    from demo.surveys import DECISION_TITLE, RESPONSES, satisfaction_survey

    decision = make_decision(world, title=DECISION_TITLE)
    assert satisfaction_survey(world.city) == 0  # not being evaluated: nothing
    in_execution(world, decision)
    start(world, decision)
    assert satisfaction_survey(world.city) == RESPONSES
    survey = SatisfactionSurvey.objects.get(evaluation__step__decision=decision)
    assert surveys.survey_state(survey) == "open"
    results = surveys.survey_results(survey)
    assert results["responses"] == RESPONSES and len(results["questions"]) == 5
    assert all(sum(row["distribution"]) == RESPONSES for row in results["questions"])
    assert all(0.4 < row["satisfied_share"] < 0.9 for row in results["questions"])
    assert 0 < results["comments"] < RESPONSES
    assert satisfaction_survey(world.city) == 0  # once
