"""The annual evaluation plan (Decree 713 Art. 36): drawn up by the government office with the candidates' signals,
approved by another member of it, fixed once approved, published on the portal."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions.models import ExecutionProblemReport
from decisions.services import profile_for
from evaluation import plans, selectors
from evaluation.models import EvaluationPlan
from tests.factories import log_in_in_english, make_decision
from tests.refusals import refused

from .helpers import in_execution

YEAR = timezone.localdate().year


@pytest.fixture
def executed(world):
    return in_execution(world, make_decision(world, title="关于实行公交里程计价的决定"))


def _plan_with_item(world, decision, year=YEAR):
    plan = plans.create_plan(actor=world.gov, organ=world.city, year=year)
    plans.add_plan_item(
        plan=plan,
        actor=world.gov,
        decision=decision,
        trigger="citizen_reports",
        reason="群众反映较多，需评估执行效果。",
        planned_quarter=f"{year}Q3",
    )
    return plan


def test_plan_is_drawn_up_approved_by_another_and_published(world, executed, second_gov):
    plan = _plan_with_item(world, executed)
    with refused("evaluation_plan.same_person", says="Two-person rule"):
        plans.approve_plan(plan=plan, actor=world.gov)
    plans.approve_plan(plan=plan, actor=second_gov)
    plans.publish_plan(plan=plan, actor=world.gov)
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by, plan.created_by) == ("published", second_gov, world.gov)
    actions = list(LedgerEvent.objects.filter(object_type="evaluation.evaluationplan").values_list("action", flat=True))
    assert actions == [
        "evaluation_plan.created",
        "evaluation_plan.item_added",
        "evaluation_plan.approved",
        "evaluation_plan.published",
    ]


def test_plan_is_fixed_once_approved(world, executed, second_gov):
    plan = _plan_with_item(world, executed)
    other = in_execution(world, make_decision(world, title="关于调整出租车运价的决定"))
    plans.approve_plan(plan=plan, actor=second_gov)
    with refused("evaluation_plan.fixed", says="fixed"):
        plans.add_plan_item(
            plan=plan,
            actor=world.gov,
            decision=other,
            trigger="importance",
            reason="重要。",
            planned_quarter=f"{YEAR}Q4",
        )
    with refused("evaluation_plan.fixed", says="fixed"):
        plans.remove_plan_item(plan=plan, actor=world.gov, item_id=plan.items.get().pk)
    assert plan.items.count() == 1


def test_publication_needs_approval_and_approval_needs_items(world, second_gov):
    plan = plans.create_plan(actor=world.gov, organ=world.city, year=YEAR)
    with refused("evaluation_plan.not_approved", says="only an approved plan"):
        plans.publish_plan(plan=plan, actor=world.gov)
    with refused("evaluation_plan.empty", says="Add the decisions"):
        plans.approve_plan(plan=plan, actor=second_gov)
    with refused("evaluation_plan.exists", says=str(YEAR)):
        plans.create_plan(actor=second_gov, organ=world.city, year=YEAR)


def test_item_refusals(world, executed, decision):
    plan = plans.create_plan(actor=world.gov, organ=world.city, year=YEAR)
    good = {"trigger": "importance", "reason": "重要。", "planned_quarter": f"{YEAR}Q2"}
    with refused("evaluation_plan.not_in_force", says="Art. 36"):
        plans.add_plan_item(plan=plan, actor=world.gov, decision=decision, **good)
    with refused("evaluation_plan.trigger", says="why"):
        plans.add_plan_item(plan=plan, actor=world.gov, decision=executed, **(good | {"trigger": "plan"}))
    with refused("evaluation_plan.reason", says="reason"):
        plans.add_plan_item(plan=plan, actor=world.gov, decision=executed, **(good | {"reason": " "}))
    with refused("evaluation_plan.quarter", says=f"{YEAR}Q2"):
        plans.add_plan_item(plan=plan, actor=world.gov, decision=executed, **(good | {"planned_quarter": "2001Q1"}))
    foreign = make_decision(world, drafter=world.outsider, title="邻市决定")
    with refused("evaluation_plan.decision", says="this organ"):
        plans.add_plan_item(plan=plan, actor=world.gov, decision=foreign, **good)
    plans.add_plan_item(plan=plan, actor=world.gov, decision=executed, **good)
    with refused("evaluation_plan.duplicate", says="already in the plan"):
        plans.add_plan_item(plan=plan, actor=world.gov, decision=executed, **good)


def test_only_the_government_office_of_the_organ_plans(world):
    with refused("permission.role"):
        plans.create_plan(actor=world.drafter, organ=world.city, year=YEAR)
    with refused("permission.scope"):
        plans.create_plan(actor=world.gov, organ=world.other_city, year=YEAR)


def test_candidates_show_a_year_of_execution_and_many_reports(world, executed):
    quiet = in_execution(world, make_decision(world, title="关于调整出租车运价的决定"))
    threshold = profile_for(world.city).problem_reports_for_evaluation
    for number in range(threshold):
        ExecutionProblemReport.objects.create(
            decision=executed, receipt_number=f"R{number}", contact="13800000000", content="站点太远。"
        )
    ExecutionProblemReport.objects.create(
        decision=quiet, receipt_number="H1", contact="x", content="广告", status=ExecutionProblemReport.Status.HIDDEN
    )
    rows = {row.decision.pk: row for row in selectors.plan_candidates(world.city, YEAR + 1)}
    assert rows[executed.pk].many_reports and rows[executed.pk].suggested_trigger == "citizen_reports"
    assert rows[quiet.pk].problem_reports == 0  # a hidden report does not count
    assert rows[quiet.pk].year_reached  # a year of execution is reached by the end of next year
    assert not selectors.plan_candidates(world.city, YEAR - 1)[0].year_reached


def test_plan_page_shows_candidates_in_few_queries(world, executed, client):
    for title in ("关于调整出租车运价的决定", "关于实施垃圾分类的决定"):
        in_execution(world, make_decision(world, title=title))
    plan = _plan_with_item(world, executed)
    log_in_in_english(client, world.gov)
    url = reverse("evaluation:plan", args=[plan.pk])
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert "关于调整出租车运价的决定" in response.content.decode()  # a candidate
    in_execution(world, make_decision(world, title="关于公共自行车的决定"))
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)  # one more candidate, no more queries
    assert len(few) < 40


def test_plan_pages_and_the_portal(world, executed, second_gov, client):
    log_in_in_english(client, world.gov)
    response = client.post(reverse("evaluation:plan_create"), {"year": YEAR})
    plan = EvaluationPlan.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("evaluation:plan_item_add", args=[plan.pk]),
        {"decision": executed.pk, "trigger": "importance", "reason": "", "planned_quarter": f"{YEAR}Q2"},
    )
    assert response.status_code == 400 and "Give the reason" in response.content.decode()
    client.post(
        reverse("evaluation:plan_item_add", args=[plan.pk]),
        {"decision": executed.pk, "trigger": "importance", "reason": "涉及面广。", "planned_quarter": f"{YEAR}Q2"},
    )
    client.post(reverse("evaluation:plan_act", args=[plan.pk, "approve"]))
    assert EvaluationPlan.objects.get().status == "draft"  # the one who drew it up does not approve it
    portal = reverse("portal:evaluation_plan", args=[world.city.pk, YEAR])
    assert client.get(portal).status_code == 404  # not published
    log_in_in_english(client, second_gov)
    client.post(reverse("evaluation:plan_act", args=[plan.pk, "approve"]))
    client.post(reverse("evaluation:plan_act", args=[plan.pk, "publish"]))
    assert EvaluationPlan.objects.get().status == "published"
    client.logout()
    page = client.get(portal)
    assert page.status_code == 200 and "涉及面广。" in page.content.decode() and not page.cookies


def test_plans_are_the_organ_wide_roles(world, client):
    plan = plans.create_plan(actor=world.gov, organ=world.city, year=YEAR)
    log_in_in_english(client, world.drafter)
    assert client.get(reverse("evaluation:plans")).status_code == 403
    assert client.get(reverse("evaluation:plan", args=[plan.pk])).status_code == 404
    log_in_in_english(client, world.supervisor)
    assert client.get(reverse("evaluation:plan", args=[plan.pk])).status_code == 200
    assert client.post(reverse("evaluation:plan_create"), {"year": YEAR + 1}).status_code == 403


def test_an_evaluation_of_a_decision_in_the_published_plan_is_linked_to_it(world, executed, second_gov):
    from evaluation import services as evaluations

    plan = _plan_with_item(world, executed)
    plans.approve_plan(plan=plan, actor=second_gov)
    plans.publish_plan(plan=plan, actor=second_gov)
    executed.execution_started_at = timezone.now() - timedelta(days=400)
    executed.save(update_fields=["execution_started_at"])
    evaluations.start_evaluation(decision=executed, actor=world.gov, evaluator_org=world.evaluator_body)
    evaluation = selectors.evaluations_of(executed)[0]
    assert (evaluation.trigger, evaluation.plan_item) == ("plan", plan.items.get())


def test_who_added_an_item_does_not_approve_the_plan(world, executed, second_gov):
    plan = plans.create_plan(actor=world.gov, organ=world.city, year=YEAR)
    plans.add_plan_item(
        plan=plan,
        actor=second_gov,  # the second member shapes the plan drawn up by the first…
        decision=executed,
        trigger="importance",
        reason="涉及公共利益。",
        planned_quarter=f"{YEAR}Q4",
    )
    with refused("evaluation_plan.same_person", says="added or removed its items"):
        plans.approve_plan(plan=plan, actor=second_gov)  # …and may not approve it alone


def test_the_public_reads_only_the_items_of_public_decisions(client, world, executed, second_gov):
    confidential = in_execution(
        world,
        make_decision(
            world, title="涉密的应急物资储备方案", is_confidential=True, confidential_reason="涉及国家秘密。"
        ),
    )
    plan = _plan_with_item(world, executed)
    plans.add_plan_item(
        plan=plan,
        actor=world.gov,
        decision=confidential,
        trigger="importance",
        reason="储备布局需评估。",
        planned_quarter=f"{YEAR}Q4",
    )
    plans.approve_plan(plan=plan, actor=second_gov)
    plans.publish_plan(plan=plan, actor=world.gov)
    assert [item.decision for item in selectors.public_plan_items(plan)] == [executed]
    page = client.get(reverse("portal:evaluation_plan", args=[world.city.pk, YEAR])).content.decode()
    assert executed.title in page and confidential.title not in page and "储备布局" not in page
    open_data = client.get(reverse("api:open_evaluation_plans")).json()
    assert [item["decision"] for item in open_data[0]["items"]] == [executed.pk]


def test_the_open_plans_read_a_fixed_number_of_queries(client, world, executed, second_gov):
    def published_plan(year):
        plan = _plan_with_item(world, executed, year=year)
        plans.approve_plan(plan=plan, actor=second_gov)
        plans.publish_plan(plan=plan, actor=world.gov)

    url = reverse("api:open_evaluation_plans")
    published_plan(YEAR)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()) == 1
    published_plan(YEAR + 1)
    published_plan(YEAR + 2)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url).json()) == 3
    assert len(three) == len(one)
