"""The risk assessment and the fair-competition checklist on the API: read by whoever sees the decision, written by
the undertaking unit's drafter, refusals with their code and status and nothing changed."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from review import checklist, risk
from review.models import FairCompetitionAnswer, RiskItem

from .test_fair_competition import fc_step
from .test_risk import assess_fully, finish, item, risk_step

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_assessment_is_read_with_its_items(world):
    step = risk_step(world)
    risk.set_method(step=step, actor=world.drafter, assessor="unit", methods=["survey"])
    risk.add_item(step=step, actor=world.drafter, **item("legality", "high", "high"))
    answer = api(world.legal_reviewer).get(reverse("api:risk_assessment", args=[step.pk]))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["assessor"], body["methods"], body["risk_level"], body["suggested_level"]) == (
        "unit",
        ["survey"],
        "high",
        "high",
    )
    assert body["blocks_the_decision"] is True
    assert [(i["order"], i["dimension"]) for i in body["items"]] == [(1, "legality")]


def test_the_drafter_adds_an_item_and_refusals_change_nothing(world):
    step = risk_step(world)
    url = reverse("api:risk_items", args=[step.pk])
    answer = api(world.drafter).post(url, item("feasibility", "medium", "medium"), format="json")
    assert answer.status_code == 201 and answer.json()["items"][0]["dimension"] == "feasibility"
    answer = api(world.drafter).post(url, item() | {"likelihood": "certain"}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "input.invalid"
    answer = api(world.drafter).post(url, item() | {"measures": "   "}, format="json")
    assert answer.status_code == 400
    answer = api(world.head).post(url, item(), format="json")
    assert answer.status_code == 403 and answer.json()["code"].startswith("permission.")
    assert RiskItem.objects.count() == 1


def test_steps_of_another_kind_or_organization_are_not_found(world):
    step = risk_step(world)
    fc = fc_step(world)
    assert api(world.drafter).get(reverse("api:risk_assessment", args=[fc.pk])).status_code == 404
    assert api(world.drafter).get(reverse("api:fair_competition_checklist", args=[step.pk])).status_code == 404
    assert api(world.outsider).get(reverse("api:risk_assessment", args=[step.pk])).status_code == 404
    assert api().get(reverse("api:risk_assessment", args=[step.pk])).status_code in (401, 403)


def test_the_checklist_is_read_and_answered(world):
    step = fc_step(world)
    url = reverse("api:fair_competition_answers", args=[step.pk])
    answer = api(world.drafter).post(
        url, {"answers": {"entry.1": "no", "cost.1": {"answer": "yes", "note": "补贴"}}}, format="json"
    )
    assert answer.status_code == 201
    body = api(world.gov).get(reverse("api:fair_competition_checklist", args=[step.pk])).json()
    assert [group["code"] for group in body["groups"]] == [group.code for group in checklist.GROUPS]
    questions = {q["code"]: q for group in body["groups"] for q in group["questions"]}
    assert (questions["entry.1"]["answer"], questions["cost.1"]["note"], questions["flow.1"]["answer"]) == (
        "no",
        "补贴",
        "",
    )


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [
        ({}, 400, "input.invalid"),
        ({"answers": {"entry.99": "no"}}, 400, "fair_competition.unknown_question"),
        ({"answers": {"entry.1": "perhaps"}}, 400, "fair_competition.answer"),
    ],
)
def test_bad_answers_are_refused(world, sent, status, code):
    step = fc_step(world)
    answer = api(world.drafter).post(reverse("api:fair_competition_answers", args=[step.pk]), sent, format="json")
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert not FairCompetitionAnswer.objects.exists()


def test_only_the_unit_answers_on_the_api(world):
    step = fc_step(world)
    url = reverse("api:fair_competition_answers", args=[step.pk])
    answer = api(world.legal_reviewer).post(url, {"answers": {"entry.1": "no"}}, format="json")
    assert answer.status_code == 403
    assert not FairCompetitionAnswer.objects.exists()


def test_a_submitted_assessment_is_refused_by_its_state(world):
    step = risk_step(world)
    assess_fully(world, step)
    finish(world, step)
    count = RiskItem.objects.count()
    answer = api(world.drafter).post(reverse("api:risk_items", args=[step.pk]), item(), format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "step.wrong_status"
    assert RiskItem.objects.count() == count
