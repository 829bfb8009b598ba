"""Archiving (Decree 713 Art. 33): once a decision is archived its record is closed — every transition of the table,
every step action, a document upload, an execution report and an edit are refused, each with its message, and
nothing changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Decision, Document
from decisions.permissions import can
from decisions.procedure import TRANSITIONS, State, StepKind
from decisions.registry import transition_input
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from tests.refusals import refused, status_of

pytestmark = pytest.mark.usefixtures("english")

ARCHIVED = "Archived"


def valid_input(name: str, world) -> dict:
    """What each transition's form would take (so the refusal is the state's, not the input's)."""
    today = timezone.localdate().isoformat()
    return {
        "withdraw": {"reason": "目录调整。"},
        "suspend": {"reason": "紧急情况。", "purpose": "change"},
        "archive": {"reason": "再次归档。"},
        "abandon_adjustment": {"reason": "不再调整。"},
        "catalog": {"confirm": "on"},
        "start_drafting": {"confirm": "on"},
        "publish": {
            "media": ["website"],
            "channels": "市政府门户网站",
            "published_on": today,
            "link": "https://www.example.gov.cn/",
            "opinions_explanation": "已说明。",
        },
        "record_collective_decision": {
            "meeting_name": "常务会议",
            "meeting_date": today,
            "members_total": "5",
            "head_name": "市长",
            "head_statement": "同意。",
            "outcome": "adopted",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-name": "张委员",
            "members-0-view": "agree",
        },
        "request_legality_review": {"legal_basis": "《条例》", "procedure_statement": "已完成。"},
        "give_legality_opinion": {"opinion": "lawful", "opinion_text": "合法。"},
        "confirm_legality_changes": {"comment": "已修改。"},
        "start_adjustment": {"purpose": "change", "reason": "评估建议调整。"},
        "start_evaluation": {"evaluator_org": world.evaluator_body.pk, "staged": "on", "stage_reason": "第一阶段"},
        "start_execution": {"execution_unit": world.transport.pk, "report_cadence": "quarterly"},
        "complete_evaluation": {"conclusion": "continue", "summary": "效果良好。"},
    }.get(name, {})


@pytest.fixture
def archived(world):
    """Executed until its term ended, then archived by the government office."""
    decision = drive_to(
        services.create_decision(
            actor=world.drafter,
            title="关于实施老旧小区改造三年行动的决定",
            summary="三年完成改造。",
            year=2026,
            scope_category=Decision.ScopeCategory.PUBLIC_POLICY,
            term_end=timezone.localdate() - timedelta(days=1),
        ),
        State.IN_EXECUTION,
        world.cast,
    )
    services.archive_decision(decision=decision, actor=world.gov, reason="实施期满，执行完毕。")
    assert status_of(decision) == State.ARCHIVED
    return Decision.objects.get(pk=decision.pk)


def holder(world, decision, action):
    """Someone whose role allows `action` on the decision (so what refuses is the archive, not the role)."""
    people = (world.gov, world.drafter, world.head, world.legal_reviewer, world.evaluator)
    return next((person for person in people if can(person, action, decision)), world.gov)


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_every_transition_is_refused(world, archived, name):
    entry = transition_input(name)
    assert entry is not None, f"{name} has no registered input"
    form = entry.form(archived, valid_input(name, world))
    cleaned = dict(form.cleaned_data) if form.is_valid() else {}
    actor = holder(world, archived, TRANSITIONS[name].action)
    assert services.transition_refusal(archived, name, actor) is not None
    with refused("procedure.wrong_state", archived, says=(str(TRANSITIONS[name].label), ARCHIVED)):
        if not form.is_valid():  # the form alone would refuse; the service must, too, whatever it is given
            raise AssertionError(f"{name}: {form.errors.as_json()}")
        entry.perform(archived, actor, cleaned)


WORKED_ON = ("step.wrong_state", "cannot be worked on while the decision is “Archived”")
NOT_SUBMITTED = ("step.not_submitted", "Only a submitted step can be approved or returned")
# Each action on a step, and how the archived record refuses it.
STEP_ACTIONS = {
    "edit": (lambda w, s: services.update_step_details(step=s, actor=w.drafter, details={}), WORKED_ON),
    "submit": (lambda w, s: services.submit_step(step=s, actor=w.drafter), WORKED_ON),
    "approve": (lambda w, s: services.approve_step(step=s, actor=w.head, comment="同意。"), NOT_SUBMITTED),
    "return": (lambda w, s: services.return_step(step=s, actor=w.head, comment="请补充。"), NOT_SUBMITTED),
    "reopen": (
        lambda w, s: services.reopen_step(step=s, actor=w.drafter, reason="重新评估。"),
        ("step.not_reopenable", "Only a completed step of the unit can be redone, while drafting"),
    ),
    "propose_not_applicable": (
        lambda w, s: services.propose_not_applicable(step=s, actor=w.drafter, reason="不适用。"),
        WORKED_ON,
    ),
    "confirm_not_applicable": (
        lambda w, s: services.confirm_not_applicable(step=s, actor=w.legal_reviewer, confirm=True, comment="同意。"),
        ("procedure.ended", "its procedure has ended and its record accepts no further act"),
    ),
}


@pytest.mark.parametrize("action", STEP_ACTIONS)
@pytest.mark.parametrize("kind", [StepKind.PUBLIC_PARTICIPATION, StepKind.RISK_ASSESSMENT])
def test_every_step_action_is_refused(world, archived, action, kind):
    step = current_steps(archived)[kind]
    refusals = services.step_action_refusals(step, world.drafter)
    assert all(refusal is not None for refusal in refusals.values()), refusals
    perform, (code, says) = STEP_ACTIONS[action]
    with refused(code, archived, says=says):
        perform(world, step)


@pytest.mark.parametrize("kind", [Document.Kind.DECISION_TEXT, Document.Kind.INTERPRETATION, Document.Kind.REPORT])
def test_no_document_is_added(world, archived, kind):
    assert services.upload_refusal(archived, world.gov) is not None
    with refused("procedure.ended", archived, says=(ARCHIVED, "accepts no further act")):
        services.add_document(
            decision=archived,
            actor=world.gov,
            uploaded_file=pdf_file("late.pdf", "归档后补充的材料"),
            kind=kind,
            title="归档后补充的材料",
            is_public=True,
        )


def test_no_execution_report_is_made(world, archived):
    assert services.execution_report_refusal(archived, world.drafter) is not None
    with refused("execution.not_running", archived, says="only while the decision is executed"):
        services.report_progress(decision=archived, actor=world.drafter, period="2026Q4", progress="归档后的进展。")


def test_the_decision_is_not_edited_nor_its_confidentiality_changed(world, archived):
    assert services.decision_edit_refusal(archived, world.drafter) is not None
    with refused("decision.not_editable", archived, says="A decision that is “Archived” can no longer be edited"):
        services.update_decision(decision=archived, actor=world.drafter, title="改名")
    with refused("confidentiality.nothing_to_confirm", archived, says="No claim of confidentiality awaits"):
        services.confirm_confidentiality(decision=archived, actor=world.legal_reviewer, confirm=True)
