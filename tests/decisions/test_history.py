"""Field history (django-simple-history): who changed which field of a decision or step, and when."""

import pytest

from decisions import services
from decisions.errors import ProcedureError
from decisions.models import Decision, Step
from decisions.procedure import StepKind
from decisions.selectors import current_steps
from demo.walkthrough import upload
from tests.factories import enter_in_catalog


def test_decision_edit_is_in_the_field_history_with_its_author(world, decision):
    services.update_decision(decision=decision, actor=world.drafter, title="关于调整公共交通票价的决定（修改）")
    latest, previous = decision.history.all()[:2]
    assert latest.history_user == world.drafter
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(previous).changes}
    assert changes["title"] == ("关于调整中心城区公共交通票价的决定", "关于调整公共交通票价的决定（修改）")


def test_status_changes_are_in_the_field_history(world, decision):
    enter_in_catalog(world, decision)
    latest = decision.history.first()
    assert latest.status == "cataloged" and latest.history_user == world.gov


def test_step_changes_are_in_the_field_history(world, decision):
    enter_in_catalog(world, decision)
    services.start_drafting(decision=decision, actor=world.drafter)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    services.update_step_details(
        step=step,
        actor=world.drafter,
        details={
            "recipient": "中共示例市委常委会",
            "reported_on": "2026-01-05",
            "response_received_on": "2026-01-09",
            "summary": "同意",
        },
    )
    report = step.superiorreport.history.first()  # the typed record keeps its own field history
    assert report.history_user == world.drafter
    assert (report.recipient, report.summary) == ("中共示例市委常委会", "同意")
    upload(decision, world.drafter, "report", "关于票价调整的请示", step=step)
    services.submit_step(step=step, actor=world.drafter)
    assert step.history.first().history_user == world.drafter
    assert step.history.first().status == "submitted"


def test_bulk_updates_that_would_bypass_history_are_refused(world, decision):
    with pytest.raises(ProcedureError):
        Decision.objects.filter(pk=decision.pk).update(title="x")
    with pytest.raises(ProcedureError):
        Step.objects.filter(decision=decision).update(status="done")
