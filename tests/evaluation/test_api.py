"""The evaluation on the API: plans (create, items, approve, publish), the evaluator's assignments and report, the
published plans as open data."""

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from evaluation.models import Evaluation
from tests.factories import make_decision

from .helpers import REPORT, in_execution, start, upload_report

YEAR = timezone.localdate().year


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_plan_through_the_api(world, second_gov):
    decision = in_execution(world, make_decision(world))
    response = api(world.gov).post(reverse("api:evaluation_plans"), {"year": YEAR, "notes": "年度计划"}, format="json")
    assert response.status_code == 201, response.json()
    plan = response.json()["id"]
    item = {"decision": decision.pk, "trigger": "importance", "reason": "", "planned_quarter": f"{YEAR}Q2"}
    response = api(world.gov).post(reverse("api:evaluation_plan_items", args=[plan]), item, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "evaluation_plan.reason")
    item["reason"] = "涉及面广。"
    response = api(world.gov).post(reverse("api:evaluation_plan_items", args=[plan]), item, format="json")
    assert response.status_code == 201 and response.json()["items"][0]["decision"] == decision.pk
    response = api(world.gov).post(reverse("api:evaluation_plan_approve", args=[plan]))
    assert (response.status_code, response.json()["code"]) == (409, "evaluation_plan.same_person")
    assert api(second_gov).post(reverse("api:evaluation_plan_approve", args=[plan])).status_code == 200
    response = api(world.gov).post(reverse("api:evaluation_plan_items", args=[plan]), item, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "evaluation_plan.fixed")
    assert api().get(reverse("api:open_evaluation_plans")).json() == []  # approved, not yet published
    assert api(world.gov).post(reverse("api:evaluation_plan_publish", args=[plan])).status_code == 200
    published = api().get(reverse("api:open_evaluation_plans")).json()
    assert [row["items"][0]["reason"] for row in published] == ["涉及面广。"]
    assert [row["id"] for row in api(world.supervisor).get(reverse("api:evaluation_plans")).json()] == [plan]


def test_the_report_through_the_api(world, decision, other_evaluator):
    in_execution(world, decision)
    start(world, decision)
    url = reverse("api:evaluation_report", args=[decision.pk])
    data = REPORT | {"conclusion": "adjust", "summary": "建议调整。"}
    response = api(world.evaluator).post(url, data, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "evaluation.report")
    upload_report(world, decision)
    response = api(world.evaluator).post(url, data | {"problems": ""}, format="json")
    assert (response.status_code, response.json()["missing"]) == (400, ["problems"])
    assert api(other_evaluator).post(url, data, format="json").status_code == 404
    response = api(world.evaluator).post(url, data, format="json")
    assert response.status_code == 200 and response.json()["conclusion"] == "adjust"
    assert Evaluation.objects.get(step__decision=decision).report_submitted_by == world.evaluator
    mine = api(world.evaluator).get(reverse("api:evaluation_mine")).json()
    assert [row["decision"] for row in mine] == [decision.pk]
    assert api(other_evaluator).get(reverse("api:evaluation_mine")).json() == []
