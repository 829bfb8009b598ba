"""The evaluation of a decision (Decree 713 Art. 36): its trigger, timing and independence when it starts; the
evaluation body's report; the government office's approval publishing the summary; "adjust" opening an adjustment;
evaluators seeing only their own assignments."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions.models import Decision
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from evaluation import services as evaluations
from evaluation.models import Evaluation
from tests.factories import log_in_in_english
from tests.refusals import refused

from .helpers import REPORT, in_execution, start, submit, upload_report


def status_of(decision):
    return Decision.objects.values_list("status", flat=True).get(pk=decision.pk)


def test_the_trigger_is_required(world, decision):
    in_execution(world, decision)
    with refused("evaluation.trigger", decision, says="Art. 36"):
        start(world, decision, trigger="")
    with refused("evaluation.trigger", decision, says="published plan"):
        start(world, decision, trigger="plan")  # not in a published plan
    start(world, decision, trigger="citizen_reports", team="郑评估（负责人）")
    evaluation = Evaluation.objects.get(step__decision=decision)
    assert (evaluation.trigger, evaluation.team, evaluation.plan_item) == ("citizen_reports", "郑评估（负责人）", None)


def test_too_early_is_refused_naming_the_rule(world, decision):
    in_execution(world, decision)
    with refused("rule6.too_early", decision, says=("Rule 6", "12 months")):
        start(world, decision, staged=False, stage_reason="")
    decision.execution_started_at = timezone.now() - timedelta(days=366)
    decision.save(update_fields=["execution_started_at"])
    start(world, decision, staged=False, stage_reason="")
    assert status_of(decision) == State.EVALUATING


def test_the_body_that_assessed_the_decision_is_not_independent(world, decision):
    in_execution(world, decision)
    step = current_steps(decision)[StepKind.RISK_ASSESSMENT]
    step.assessed_by = world.evaluator_body  # as the risk assessment's owner records it
    step.save(update_fields=["assessed_by"])
    with refused("rule6.not_independent", decision, says=("Art. 36", world.evaluator_body.name)):
        start(world, decision)
    start(world, decision, evaluator_org=world.institute)
    assert status_of(decision) == State.EVALUATING


def test_the_report_comes_before_the_approval(world, decision):
    in_execution(world, decision)
    start(world, decision)
    with refused("evaluation.no_report", decision, says="submits its report"):
        evaluations.complete_evaluation(decision=decision, actor=world.gov, public_summary="摘要。")
    with refused("evaluation.report", decision, says="uploads its evaluation report"):
        submit(world, decision)
    upload_report(world, decision)
    with refused("evaluation.report_content", decision, says=("Art. 36", "Costs and benefits")):
        evaluations.submit_evaluation_report(
            decision=decision,
            actor=world.evaluator,
            conclusion="continue",
            summary="好。",
            **(REPORT | {"costs_benefits": ""}),
        )
    with refused("evaluation.conclusion", decision, says="continue, adjust or stop"):
        submit(world, decision, conclusion="")
    with refused("permission.role", decision):
        submit(world, decision, actor=world.gov)  # the government office does not write the report
    submit(world, decision)
    assert status_of(decision) == State.EVALUATING  # submitting is not a transition
    with refused("permission.role", decision):
        evaluations.complete_evaluation(decision=decision, actor=world.evaluator, public_summary="摘要。")
    with refused("evaluation.public_summary", decision, says="published"):
        evaluations.complete_evaluation(decision=decision, actor=world.gov, public_summary=" ")
    event = LedgerEvent.objects.filter(action="evaluation.report_submitted").get()
    assert (event.decision_id, event.role) == (decision.pk, "evaluator")


def test_approval_publishes_the_summary(world, decision, client):
    in_execution(world, decision)
    start(world, decision)
    upload_report(world, decision)
    submit(world, decision, conclusion="continue", summary="评估机构的详细结论。")
    evaluations.complete_evaluation(decision=decision, actor=world.gov, public_summary="总体效果良好，建议继续执行。")
    evaluation = Evaluation.objects.get(step__decision=decision)
    assert evaluation.summary_published_at is not None and evaluation.conclusion == "continue"
    assert status_of(decision) == State.IN_EXECUTION
    with refused("evaluation.not_evaluating", decision, says="under evaluation"):
        submit(world, decision)
    page = client.get(reverse("portal:decision", args=[decision.pk])).content.decode()
    assert "总体效果良好，建议继续执行。" in page and "评估机构的详细结论。" not in page


def test_adjust_opens_the_adjustment(world, decision):
    in_execution(world, decision)
    start(world, decision)
    upload_report(world, decision)
    submit(world, decision, conclusion="adjust", summary="远郊换乘成本上升，建议调整优惠。")
    evaluations.complete_evaluation(decision=decision, actor=world.gov, public_summary="建议调整换乘优惠。")
    decision.refresh_from_db()
    assert decision.status == State.IN_EXECUTION and decision.adjustment is not None
    assert decision.adjustment.purpose == "change"
    event = LedgerEvent.objects.filter(action="decision.complete_evaluation").get()
    assert event.after["conclusion"] == "adjust" and event.after["adjustment"] == decision.adjustment.number


def test_the_pages_report_and_approve(world, decision, client):
    in_execution(world, decision)
    start(world, decision)
    upload_report(world, decision)
    url = reverse("evaluation:decision", args=[decision.pk])
    log_in_in_english(client, world.evaluator)
    page = client.get(url)
    assert page.status_code == 200 and 'id="report-form"' in page.content.decode()
    assert client.post(reverse("evaluation:report", args=[decision.pk]), REPORT).status_code == 400  # no conclusion
    response = client.post(
        reverse("evaluation:report", args=[decision.pk]), REPORT | {"conclusion": "continue", "summary": "好。"}
    )
    assert response.status_code == 302
    log_in_in_english(client, world.gov)
    assert 'id="approve"' in client.get(url).content.decode()
    response = client.post(reverse("evaluation:approve", args=[decision.pk]), {"public_summary": "效果良好。"})
    assert response.status_code == 302 and status_of(decision) == State.IN_EXECUTION


@pytest.fixture
def two_evaluations(world, other_evaluator):
    from tests.factories import make_decision

    mine = in_execution(world, make_decision(world, title="关于实行公交里程计价的决定"))
    theirs = in_execution(world, make_decision(world, title="关于调整出租车运价的决定"))
    start(world, mine)
    start(world, theirs, evaluator_org=other_evaluator.organization)
    return mine, theirs


def test_an_evaluator_sees_only_their_assignments(world, other_evaluator, two_evaluations, client):
    mine, theirs = two_evaluations
    log_in_in_english(client, world.evaluator)
    listed = client.get(reverse("evaluation:mine")).content.decode()
    assert mine.title in listed and theirs.title not in listed
    assert client.get(reverse("evaluation:decision", args=[mine.pk])).status_code == 200
    assert client.get(reverse("evaluation:decision", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("evaluation:report", args=[theirs.pk]), REPORT).status_code == 404
    assert [row["decision"] for row in client.get(reverse("api:evaluation_mine")).json()] == [mine.pk]
    log_in_in_english(client, world.drafter)
    assert client.get(reverse("evaluation:mine")).status_code == 403
