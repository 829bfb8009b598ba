"""Paths around the rules that a review found, each closed: confidentiality, open consultations, reopened risk
findings, steps left open, document placement, adjustments and evaluators."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.models import Decision, Document
from decisions.procedure import State, StepKind, StepStatus
from decisions.selectors import current_steps, public_decisions
from demo.walkthrough import (
    Walkthrough,
    drive_to,
    pdf_file,
    step_details,
    step_forward,
    submit_unit_step,
    upload_decision_text,
)
from evaluation import services as evaluations
from tests.decisions.test_rules import high_risk, ready_for_review, request_review, run_unit_step, upload_draft
from tests.factories import enter_in_catalog, make_decision, withdraw
from tests.refusals import refused, status_of

# ---------------------------------------------------------------- confidentiality needs the legal office


def test_claiming_confidentiality_while_drafting_does_not_drop_public_participation(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    services.update_decision(decision=decision, actor=world.drafter, is_confidential=True, confidential_reason="保密")
    decision.refresh_from_db()
    participation = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    assert participation.requirement == "required" and participation.status == StepStatus.OPEN
    upload_draft(world, decision)
    with refused("rule1.steps_not_done", decision, says="Public participation"):
        request_review(world, decision)


def test_legality_review_waits_for_the_legal_office_on_confidentiality(world):
    decision = make_decision(world, affects_public_interest=False, is_confidential=True, confidential_reason="国家秘密")
    drive_to(decision, State.DRAFTING, world.cast)
    ready_for_review(world, decision)
    with refused("rule1.confidentiality_unconfirmed", decision, says="Rule 1"):
        request_review(world, decision)


def test_only_the_legal_office_confirms_confidentiality(world):
    decision = make_decision(world, is_confidential=True, confidential_reason="依照保守国家秘密法不予公开。")
    with refused("permission.role", decision):
        services.confirm_confidentiality(decision=decision, actor=world.drafter, confirm=True)
    services.confirm_confidentiality(decision=decision, actor=world.legal_reviewer, confirm=True)
    decision.refresh_from_db()
    steps = current_steps(decision)
    assert decision.is_lawfully_confidential
    assert steps[StepKind.PUBLIC_PARTICIPATION].requirement == "not_applicable"
    assert steps[StepKind.PUBLICATION].requirement == "not_applicable"


def test_refused_confidentiality_restores_the_steps(world):
    decision = make_decision(world, is_confidential=True, confidential_reason="内部事项")
    with refused("step.comment_required", decision):
        services.confirm_confidentiality(decision=decision, actor=world.legal_reviewer, confirm=False)
    services.confirm_confidentiality(
        decision=decision, actor=world.legal_reviewer, confirm=False, comment="不属于国家秘密，应当公开征求意见。"
    )
    decision.refresh_from_db()
    assert not decision.is_confidential
    assert current_steps(decision)[StepKind.PUBLICATION].requirement == "required"


def test_changing_the_claim_needs_a_new_confirmation(world):
    decision = make_decision(world, is_confidential=True, confidential_reason="国家秘密")
    services.confirm_confidentiality(decision=decision, actor=world.legal_reviewer, confirm=True)
    services.update_decision(decision=decision, actor=world.drafter, confidential_reason="另一理由")
    decision.refresh_from_db()
    assert decision.is_confidential and not decision.is_lawfully_confidential


def test_unchecking_a_flag_while_drafting_keeps_the_step_required(world):
    decision = make_decision(world, is_technical=True)
    drive_to(decision, State.DRAFTING, world.cast)
    services.update_decision(decision=decision, actor=world.drafter, is_technical=False)
    assert current_steps(decision)[StepKind.EXPERT_REVIEW].requirement == "required"


# ---------------------------------------------------------------- steps are recorded after they happen


def test_consultation_cannot_be_submitted_before_it_closes(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    today = timezone.localdate()
    details = step_details(StepKind.PUBLIC_PARTICIPATION, today) | {
        "comment_start": today - timedelta(days=5),
        "comment_end": today + timedelta(days=40),
    }
    services.update_step_details(step=step, actor=world.drafter, details=details)
    services.add_document(
        decision=decision, actor=world.drafter, uploaded_file=pdf_file("c.pdf"), kind="report", title="报告", step=step
    )
    with refused("rule3.still_open", decision, says="after it has closed"):
        services.submit_step(step=step, actor=world.drafter)


def test_hearing_record_cannot_be_submitted_before_the_hearing(world):
    decision = make_decision(world, requires_hearing=True)
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.HEARING]
    today = timezone.localdate()
    details = step_details(StepKind.HEARING, today) | {"hearing_date": today + timedelta(days=10)}
    services.update_step_details(step=step, actor=world.drafter, details=details)
    services.add_document(
        decision=decision, actor=world.drafter, uploaded_file=pdf_file("h.pdf"), kind="record", title="笔录", step=step
    )
    with refused("hearing.not_held", decision):
        services.submit_step(step=step, actor=world.drafter)


def test_reopening_an_optional_risk_assessment_does_not_hide_its_finding(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    first = run_unit_step(world, decision, StepKind.RISK_ASSESSMENT, high_risk(controllable=False))
    assert first.requirement == "optional"
    ready_for_review(world, decision)
    second = services.reopen_step(step=first, actor=world.drafter, reason="重新评估")
    assert second.requirement == "required"
    with refused("rule1.steps_not_done", decision, says="Risk assessment"):
        request_review(world, decision)


def test_legality_review_waits_for_steps_the_head_has_not_decided(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    ready_for_review(world, decision)
    hearing = current_steps(decision)[StepKind.HEARING]
    Walkthrough(world.cast).hold_hearing(decision, hearing)  # its record confirmed and filed among its documents
    services.submit_step(step=hearing, actor=world.drafter)
    with refused("rule1.steps_awaiting_approval", decision, says="Hearing"):
        request_review(world, decision)


# ---------------------------------------------------------------- nothing stays open


def test_withdrawal_closes_every_waiting_step(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    withdraw(world, decision, "不再列入目录。")
    decision.refresh_from_db()
    waiting = [s.kind for s in current_steps(decision).values() if s.status not in ("closed", "done", "pending")]
    assert waiting == []
    assert current_steps(decision)[StepKind.PUBLIC_PARTICIPATION].status == StepStatus.CLOSED


def test_not_applicable_steps_are_not_open(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    hearing = current_steps(decision)[StepKind.HEARING]
    services.propose_not_applicable(step=hearing, actor=world.drafter, reason="不涉及重大利益调整。")
    hearing.refresh_from_db()
    assert (hearing.requirement, hearing.status) == ("not_applicable", "pending")


def test_a_step_cannot_be_approved_once_the_decision_moved_on(world, decision):
    drive_to(decision, State.DECIDED, world.cast)
    congress = current_steps(decision)[StepKind.CONGRESS_REPORT]  # optional here: not on the congress list
    submit_unit_step(decision, StepKind.CONGRESS_REPORT, world.drafter)
    step_forward(decision, world.cast)  # published: the optional report nobody approved is set aside
    congress.refresh_from_db()
    assert (congress.requirement, congress.status) == ("not_applicable", "pending")
    with refused("step.not_submitted", decision):
        services.approve_step(step=congress, actor=world.head)
    from decisions.selectors import my_tasks

    assert not [task for task in my_tasks(world.head) if task.step and task.step.pk == congress.pk]


# ---------------------------------------------------------------- documents go where they belong


def test_draft_is_frozen_under_legality_review(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    with refused("document.draft_frozen", decision):
        upload_draft(world, decision, name="new.pdf")
    review = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    assert review.draft == decision.documents.filter(kind="draft").latest("id")
    assert review.legalityreview.reviewed_draft == review.draft


def test_only_the_evaluator_uploads_the_evaluation_report(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    evaluations.start_evaluation(
        decision=decision,
        actor=world.gov,
        evaluator_org=world.evaluator_body,
        trigger="importance",
        staged=True,
        stage_reason="第一阶段",
    )
    step = current_steps(decision)[StepKind.POST_EVALUATION]
    with refused("document.step_role", decision):
        services.add_document(
            decision=decision,
            actor=world.drafter,
            uploaded_file=pdf_file("r.pdf"),
            kind="report",
            title="自评",
            step=step,
        )


def test_after_publication_only_the_government_office_publishes_documents(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    with refused("document.publication", decision):
        services.add_document(
            decision=decision,
            actor=world.drafter,
            uploaded_file=pdf_file("x.pdf"),
            kind="other",
            title="内部稿",
            is_public=True,
        )
    document = services.add_document(
        decision=decision,
        actor=world.gov,
        uploaded_file=pdf_file("y.pdf"),
        kind="explanation",
        title="政策解读",
        is_public=True,
    )
    assert document.is_public


def test_published_decision_text_changes_only_through_an_adjustment(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    with refused("rule7.decision_text_fixed", decision, says=("Rule 7", "Art. 37", "adjustment")):
        services.add_document(
            decision=decision,
            actor=world.gov,
            uploaded_file=pdf_file("new.pdf", "revised text"),
            kind="decision_text",
            title="新的决策文本",
            is_public=True,
        )


def test_publication_needs_the_decision_text(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    step_forward(decision, world.cast)  # the meeting adopts it
    with refused("rule5.no_decision_text", decision, says=("Rule 5", "Art. 32", "Decision text")):
        services.publish_decision(
            decision=decision,
            actor=world.gov,
            channels="网站",
            published_on=timezone.localdate(),
            opinions_explanation="已说明",
        )


def test_documents_of_a_done_step_cannot_change(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = run_unit_step(
        world, decision, StepKind.PARTY_REPORT, step_details(StepKind.PARTY_REPORT, timezone.localdate())
    )
    with refused("document.step_closed", decision):
        services.add_document(
            decision=decision,
            actor=world.drafter,
            uploaded_file=pdf_file("z.pdf"),
            kind="report",
            title="补充",
            step=step,
        )


# ---------------------------------------------------------------- adjustments and evaluation


def test_rejected_adjustment_returns_to_suspension_and_the_decision_stays_public(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.suspend_decision(decision=decision, actor=world.gov, reason="紧急暂停。")  # opens the adjustment
    decision.refresh_from_db()
    assert public_decisions().filter(pk=decision.pk).exists()  # the published text is still in force
    services.report_execution(decision=decision, actor=world.drafter, progress="调整期间继续执行其他条款。")
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    step_forward(decision, world.cast, adjustment_outcome="rejected")
    assert status_of(decision) == State.SUSPENDED
    decision.refresh_from_db()
    assert (decision.adjustment, decision.adjustments.get().stage) == (None, "rejected")
    assert current_steps(decision)[StepKind.PUBLICATION].status == StepStatus.CLOSED


def test_evaluator_must_be_an_independent_body_and_staging_states_its_stage(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("evaluation.evaluator", decision):
        evaluations.start_evaluation(
            decision=decision, actor=world.gov, evaluator_org=world.transport, staged=True, stage_reason="第一阶段"
        )
    with refused("rule6.stage_reason", decision, says="Rule 6"):
        evaluations.start_evaluation(
            decision=decision, actor=world.gov, evaluator_org=world.evaluator_body, staged=True
        )


@pytest.mark.parametrize("persona", ["drafter", "supervisor"])
def test_hashes_and_addresses_only_for_ledger_readers(client, world, decision, persona):
    client.force_login(getattr(world, persona))
    client.cookies["django_language"] = "en"
    content = client.get(reverse("manage:decision", args=[decision.pk])).content.decode()
    assert "Decision proposed" in content  # everyone who sees the decision sees its history, labelled
    assert "decision.created" not in content  # the stored codes only for ledger readers who ask
    ledger_reader = persona == "supervisor"
    with_codes = client.get(reverse("manage:decision", args=[decision.pk]) + "?codes=1").content.decode()
    assert ("decision.created" in with_codes) == ledger_reader
    assert ('code title="' in content) == ledger_reader  # the chain's hashes
    assert ("Client address" in content) == ledger_reader


def test_confidentiality_form_is_shown_to_the_legal_office(client, world):
    decision = make_decision(world, is_confidential=True, confidential_reason="国家秘密")
    client.force_login(world.legal_reviewer)
    page = client.get(reverse("manage:decision", args=[decision.pk])).content.decode()
    assert 'id="confidentiality"' in page
    response = client.post(reverse("manage:confidentiality", args=[decision.pk]), {"decision": "confirm"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.is_lawfully_confidential
    assert Document.objects.count() == 0


def test_changing_the_year_while_proposed_renumbers_and_later_is_refused(world, decision):
    assert decision.number == "2026-001"
    services.update_decision(decision=decision, actor=world.drafter, year=2027)
    decision.refresh_from_db()
    assert decision.number == "2027-001"
    enter_in_catalog(world, decision)
    with refused("decision.year_fixed", decision):
        services.update_decision(decision=decision, actor=world.drafter, year=2026)


# ---------------------------------------------------------------- second review: adjustments, dates, independence


def adjusting(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.start_adjustment(decision=decision, actor=world.gov, purpose="change", reason="拟修改。")
    decision.refresh_from_db()
    return decision


def test_a_decision_in_force_is_neither_edited_nor_withdrawn_during_its_adjustment(world, decision):
    adjusting(world, decision)
    with refused("decision.not_editable", decision):
        services.update_decision(decision=decision, actor=world.drafter, title="改名")
    with refused("rule7.in_force", decision, says="Rule 7"):
        services.withdraw_decision(decision=decision, actor=world.gov, reason="撤回")


def test_an_adjustment_is_reviewed_on_its_new_draft(world, decision):
    adjusting(world, decision)
    from decisions.procedure import UNIT_RUN_STEPS
    from demo.walkthrough import complete_required_steps

    complete_required_steps(decision, world.cast, UNIT_RUN_STEPS)
    with refused("rule1.no_draft", decision, says="Rule 1"):
        request_review(world, decision)
    upload_draft(world, decision, name="adjusted.pdf")
    request_review(world, decision)
    assert Decision.objects.get(pk=decision.pk).procedure_state == State.LEGALITY_REVIEW
    assert status_of(decision) == State.IN_EXECUTION  # the decision in force, meanwhile


def test_the_meeting_cannot_predate_the_legality_opinion(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    from demo.walkthrough import meeting_members

    with refused("meeting.date_before_review", decision, says="Rule 1"):
        services.record_collective_decision(
            decision=decision,
            actor=world.gov,
            meeting_name="常务会议",
            meeting_date=timezone.localdate() - timedelta(days=400),
            members=meeting_members(),
            members_total=5,
            head_name="市长",
            head_statement="同意",
            outcome="adopted",
        )


def test_publication_date_lies_between_the_decision_and_today(world, decision):
    drive_to(decision, State.DECIDED, world.cast)
    upload_decision_text(decision, world.gov)
    for published_on in (timezone.localdate() - timedelta(days=30), timezone.localdate() + timedelta(days=1)):
        with refused("publication.date", decision):
            services.publish_decision(
                decision=decision,
                actor=world.gov,
                media=["new_media"],
                channels="网站",
                published_on=published_on,
                opinions_explanation="已说明",
            )


def test_whoever_claims_confidentiality_cannot_confirm_it(world):
    from accounts.roles import Role
    from accounts.services import assign_role

    assign_role(user=world.drafter, role=Role.LEGAL_REVIEWER, actor=None)
    decision = make_decision(world, is_confidential=True, confidential_reason="国家秘密")
    with refused("permission.two_person", decision):
        services.confirm_confidentiality(decision=decision, actor=world.drafter, confirm=True)


def test_a_sub_unit_of_the_assessor_makes_the_evaluator_not_independent(world):
    from accounts.models import Organization

    team = Organization.objects.create(
        code="eval-team", name="评估研究院风险评估组", kind="third_party", parent=world.evaluator_body
    )
    decision = make_decision(world, has_stability_risk=True)
    drive_to(decision, State.DRAFTING, world.cast)
    run_unit_step(
        world,
        decision,
        StepKind.RISK_ASSESSMENT,
        high_risk(controllable=True, assessing_org=team.pk) | {"risk_level": "medium"},
    )
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("rule6.not_independent", decision, says="Rule 6"):
        evaluations.start_evaluation(
            decision=decision, actor=world.gov, evaluator_org=world.evaluator_body, staged=True, stage_reason="第一阶段"
        )


def test_no_documents_are_added_to_a_completed_step(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    legality = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    with refused("document.step_closed", decision):
        services.add_document(
            decision=decision,
            actor=world.legal_reviewer,
            uploaded_file=pdf_file("o.pdf"),
            kind="opinion",
            title="审查意见书",
            step=legality,
        )


def test_client_address_behind_trusted_proxies(rf, settings):
    from accountability.context import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_HOPS = 1  # our one proxy appended the real client; the first entry is the client's claim
    assert client_ip(request) == "203.0.113.9"
