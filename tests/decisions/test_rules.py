"""The ordering rules 1–7 of the procedure: each refused with a message naming the rule; nothing changed."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services
from decisions.errors import ProcedureError
from decisions.models import Decision, Document, ProcedureProfile, Step
from decisions.procedure import (
    PRE_DISCUSSION_STEPS,
    UNIT_RUN_STEPS,
    State,
    StepKind,
    StepStatus,
    transitions_from,
)
from decisions.selectors import current_steps, record_values
from demo.walkthrough import (
    complete_required_steps,
    drive_to,
    meeting_members,
    pdf_file,
    step_details,
    upload_decision_text,
)
from evaluation import services as evaluations
from review import services as legality
from tests.factories import enter_in_catalog, make_decision
from tests.refusals import refused, status_of
from workdays.calendar import add_working_days, period_end

# ---------------------------------------------------------------- helpers


def upload_draft(world, decision, name="draft.pdf", text="Juece"):
    return services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file(name, text),
        kind=Document.Kind.DRAFT,
        title="决策草案（送审稿）",
    )


def request_review(world, decision, **kwargs):
    return legality.request_legality_review(
        decision=decision,
        actor=world.drafter,
        legal_basis="《重大行政决策程序暂行条例》",
        procedure_statement="已完成公众参与等法定程序。",
        **kwargs,
    )


def ready_for_review(world, decision, kinds=UNIT_RUN_STEPS):
    """Drafting, the given required unit steps done, the draft uploaded."""
    drive_to(decision, State.DRAFTING, world.cast)
    complete_required_steps(decision, world.cast, kinds)
    upload_draft(world, decision)
    upload_explanation(world, decision)
    return decision


def upload_explanation(world, decision):
    """Art. 26: the drafting explanation goes with the request for legality review."""
    return services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("explanation.pdf"),
        kind=Document.Kind.EXPLANATION,
        title="起草说明",
    )


def give_opinion(world, decision, opinion="lawful", **kwargs):
    return legality.give_legality_opinion(
        decision=decision,
        actor=world.legal_reviewer,
        opinion=opinion,
        opinion_text="经审查，符合法定权限和程序。",
        **kwargs,
    )


def record_meeting(world, decision, **kwargs):
    values = {
        "meeting_name": "市政府常务会议",
        "meeting_date": timezone.localdate(),
        "members": meeting_members(),
        "members_total": 5,
        "head_name": "王市长",
        "head_statement": "原则同意。",
        "outcome": "adopted",
    } | kwargs
    return services.record_collective_decision(decision=decision, actor=world.gov, **values)


def run_unit_step(world, decision, kind, details):
    """Fill in, document, submit and approve one unit step with the given core fields."""
    step = current_steps(decision)[kind]
    services.update_step_details(step=step, actor=world.drafter, details=details)
    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file(f"{kind}.pdf"),
        kind=Document.Kind.REPORT,
        title="材料",
        step=step,
    )
    services.submit_step(step=step, actor=world.drafter)
    return services.approve_step(step=step, actor=world.head, comment="同意。")


def high_risk(controllable: bool, assessing_org=None) -> dict:
    return {
        "risk_level": "high",
        "controllable": controllable,
        "assessing_org": assessing_org,
        "measures": "风险点、防范措施和处置预案。",
    }


# ---------------------------------------------------------------- rule 1: legality review only when ready


def test_cannot_request_legality_review_before_required_steps_done(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    upload_draft(world, decision)
    with refused("rule1.steps_not_done", decision, says=("Rule 1", "Public participation")):
        request_review(world, decision)
    assert status_of(decision) == State.DRAFTING


def test_legality_review_refused_while_risk_is_high_and_uncontrollable(world):
    decision = make_decision(world, has_stability_risk=True)
    drive_to(decision, State.DRAFTING, world.cast)
    run_unit_step(world, decision, StepKind.RISK_ASSESSMENT, high_risk(controllable=False))
    ready_for_review(world, decision)
    with refused("rule1.risk_uncontrollable", decision, says=("Rule 1", "Art. 24")):
        request_review(world, decision)


def test_reassessed_controllable_risk_lets_legality_review_proceed(world):
    decision = make_decision(world, has_stability_risk=True)
    drive_to(decision, State.DRAFTING, world.cast)
    first = run_unit_step(world, decision, StepKind.RISK_ASSESSMENT, high_risk(controllable=False))
    ready_for_review(world, decision)
    second = services.reopen_step(step=first, actor=world.drafter, reason="草案已调整，重新评估。")
    assert second.round == 2
    with refused("rule1.steps_not_done", decision, says="Risk assessment"):
        request_review(world, decision)
    run_unit_step(world, decision, StepKind.RISK_ASSESSMENT, high_risk(controllable=True))
    request_review(world, decision)
    assert status_of(decision) == State.LEGALITY_REVIEW


def test_cannot_request_legality_review_without_the_draft(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    complete_required_steps(decision, world.cast, UNIT_RUN_STEPS)
    with refused("rule1.no_draft", decision, says=("Rule 1", "draft")):
        request_review(world, decision)


def test_legality_review_request_needs_legal_basis(world, decision):
    ready_for_review(world, decision)
    with refused("rule2.materials", decision, says="Art. 26"):
        legality.request_legality_review(
            decision=decision, actor=world.drafter, legal_basis="  ", procedure_statement="已完成。"
        )


def test_discussion_is_impossible_from_drafting(world, decision):
    ready_for_review(world, decision)
    with refused("rule1.no_lawful_opinion", decision, says=("Art. 25", "not reviewed")):
        record_meeting(world, decision)
    with refused("procedure.wrong_state", decision, says="Drafting"):
        give_opinion(world, decision)


def test_unlawful_opinion_sends_the_draft_back_and_discussion_stays_impossible(world, decision):
    ready_for_review(world, decision)
    request_review(world, decision)
    give_opinion(world, decision, opinion="unlawful")
    assert status_of(decision) == State.DRAFTING
    review = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    assert (review.round, review.status) == (2, StepStatus.PENDING)
    with refused("rule1.no_lawful_opinion", decision, says="Art. 25"):
        record_meeting(world, decision)
    request_review(world, decision)
    give_opinion(world, decision)
    assert status_of(decision) == State.AWAITING_DISCUSSION


def test_lawful_with_changes_waits_for_confirmed_changes(world, decision):
    ready_for_review(world, decision)
    request_review(world, decision)
    give_opinion(world, decision, opinion="lawful_with_changes", required_changes="删除第五条。")
    assert status_of(decision) == State.LEGALITY_REVIEW
    with refused("rule1.changes_not_confirmed", decision, says=("Art. 28", "changes")):
        record_meeting(world, decision)
    with refused("legality.no_revised_draft", decision):
        legality.confirm_legality_changes(decision=decision, actor=world.legal_reviewer)
    upload_draft(world, decision, "same-again.pdf")  # the reviewed file once more: no change at all
    with refused("legality.draft_unchanged", decision, says=("Art. 28", "identical")):
        legality.confirm_legality_changes(decision=decision, actor=world.legal_reviewer)
    upload_draft(world, decision, "revised.pdf", text="第五条已删除")
    legality.confirm_legality_changes(decision=decision, actor=world.legal_reviewer, comment="已按意见修改。")
    assert status_of(decision) == State.AWAITING_DISCUSSION


def test_exploratory_reform_needs_its_legal_risk_stated(world, decision):
    ready_for_review(world, decision)
    request_review(world, decision)
    with refused("legality.legal_risk", decision, says="Art. 25"):
        give_opinion(world, decision, opinion="exploratory_reform")
    give_opinion(world, decision, opinion="exploratory_reform", legal_risk="缺乏上位法明确授权。")
    assert status_of(decision) == State.AWAITING_DISCUSSION


# ---------------------------------------------------------------- rule 2: at least 7 working days for review


def test_review_period_shorter_than_seven_working_days_needs_urgency_reason(world, decision):
    ready_for_review(world, decision)
    with refused("rule2.period_too_short", decision, says=("Rule 2", "7 working days")):
        request_review(world, decision, review_working_days=5)


def test_shortened_review_period_with_urgency_reason_is_flagged(world, decision):
    ready_for_review(world, decision)
    today = timezone.localdate()
    step = request_review(world, decision, review_working_days=3, urgency_reason="汛期临近，需紧急出台。")
    step.refresh_from_db()
    assert step.legalityreview.shortened is True
    assert step.legalityreview.review_working_days == 3
    assert step.due_on == add_working_days(today, 3).value
    event = LedgerEvent.objects.order_by("-id").first()
    assert event.action == "decision.request_legality_review"
    assert event.after["shortened"] is True
    assert event.reason == "汛期临近，需紧急出台。"


def test_review_due_date_is_seven_working_days_after_the_request(world, decision):
    ready_for_review(world, decision)
    today = timezone.localdate()
    step = request_review(world, decision)
    step.refresh_from_db()
    expected = add_working_days(today, 7)
    assert (step.due_on, step.due_is_provisional) == (expected.value, expected.provisional)
    assert step.legalityreview.shortened is False
    assert step.status == StepStatus.SUBMITTED and step.submitted_by == world.drafter


def test_review_period_is_read_from_the_organ_profile(world, decision):
    ProcedureProfile.objects.create(organ=world.city, min_review_working_days=10)
    ready_for_review(world, decision)
    with refused("rule2.period_too_short", decision, says=("Rule 2", "10 working days")):
        request_review(world, decision, review_working_days=7)
    today = timezone.localdate()
    step = request_review(world, decision)
    step.refresh_from_db()
    assert step.due_on == add_working_days(today, 10).value


# ---------------------------------------------------------------- rule 3: at least 30 days of public comment


def filled_participation(world, decision, start: date, end: date, reason: str = "") -> Step:
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    details = step_details(StepKind.PUBLIC_PARTICIPATION, timezone.localdate()) | {
        "comment_start": start,
        "comment_end": end,
        "short_period_reason": reason,
    }
    services.update_step_details(step=step, actor=world.drafter, details=details)
    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("consultation.pdf"),
        kind=Document.Kind.DRAFT,
        title="征求意见稿",
        step=step,
        is_public=True,
    )
    return step


def submitted(step: Step) -> bool:
    return Step.objects.get(pk=step.pk).status == StepStatus.SUBMITTED


def test_comment_period_of_exactly_thirty_days_is_accepted(world, decision):
    start = date(2026, 6, 2)
    end = period_end(start, 30).value
    assert end == date(2026, 7, 2)  # start day not counted; the 30th day is a working day
    step = filled_participation(world, decision, start, end)
    services.submit_step(step=step, actor=world.drafter)
    assert submitted(step)


def test_comment_period_one_day_short_is_refused(world, decision):
    start = date(2026, 6, 2)
    step = filled_participation(world, decision, start, period_end(start, 30).value - timedelta(days=1))
    with refused("rule3.period_too_short", decision, says=("Rule 3", "30 days", "2026-07-02")):
        services.submit_step(step=step, actor=world.drafter)
    assert not submitted(step)


def test_short_comment_period_with_published_reason_is_accepted(world, decision):
    start = date(2026, 6, 2)
    step = filled_participation(world, decision, start, start + timedelta(days=10), reason="应对突发公共卫生事件。")
    services.submit_step(step=step, actor=world.drafter)
    assert submitted(step)


def test_comment_period_ending_in_national_day_runs_to_next_working_day(world, decision):
    start = date(2026, 9, 1)  # + 30 days = 1 October, National Day: the period runs to 8 October
    step = filled_participation(world, decision, start, date(2026, 10, 7))
    with refused("rule3.period_too_short", decision, says=("Rule 3", "2026-10-08")):
        services.submit_step(step=step, actor=world.drafter)
    services.update_step_details(
        step=step,
        actor=world.drafter,
        details={**record_values(step), "comment_end": date(2026, 10, 8)},
    )
    services.submit_step(step=step, actor=world.drafter)
    assert submitted(step)


def test_comment_period_is_read_from_the_organ_profile(world, decision):
    ProcedureProfile.objects.create(organ=world.city, min_comment_days=45)
    start = date(2026, 6, 2)
    step = filled_participation(world, decision, start, period_end(start, 30).value)
    with refused("rule3.period_too_short", decision, says=("Rule 3", "45 days")):
        services.submit_step(step=step, actor=world.drafter)


# ---------------------------------------------------------------- rule 4: collective discussion


def awaiting_discussion_without_party_report(world, decision):
    ready_for_review(world, decision, kinds=PRE_DISCUSSION_STEPS)
    request_review(world, decision)
    give_opinion(world, decision)
    assert status_of(decision) == State.AWAITING_DISCUSSION
    assert current_steps(decision)[StepKind.PARTY_REPORT].status == StepStatus.OPEN
    return decision


def test_cannot_record_collective_decision_before_required_party_report(world, decision):
    awaiting_discussion_without_party_report(world, decision)
    with refused("rule4.party_report", decision, says=("Rule 4", "party committee")):
        record_meeting(world, decision)


def test_party_report_done_while_awaiting_discussion_lets_the_meeting_be_recorded(world, decision):
    awaiting_discussion_without_party_report(world, decision)
    complete_required_steps(decision, world.cast, (StepKind.PARTY_REPORT,))
    record_meeting(world, decision)
    assert status_of(decision) == State.DECIDED


def test_head_departing_from_majority_needs_a_reason(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    with refused("meeting.departure_reason", decision, says=("Rule 4", "majority")):
        record_meeting(world, decision, outcome="rejected")  # two of three members agreed
    step = record_meeting(world, decision, outcome="rejected", head_departure_reason="财政承受能力不足。")
    assert status_of(decision) == State.REJECTED
    meeting = step.meeting
    assert meeting.head_departed_from_majority is True
    assert (meeting.majority, meeting.head_departure_reason) == ("adopted", "财政承受能力不足。")
    assert meeting.dissenters == ["赵秘书长"]
    assert [speaker.name for speaker in meeting.speakers.all()] == ["陈副市长", "刘副市长", "赵秘书长"]


def test_decision_needs_a_meeting_record_with_members_views(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    with refused("meeting.members", decision):
        record_meeting(world, decision, members=[])
    with refused("meeting.date", decision):
        record_meeting(world, decision, meeting_date=timezone.localdate() + timedelta(days=1))


def test_deferred_meeting_sends_the_decision_back_for_a_new_review_round(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    record_meeting(world, decision, outcome="deferred")
    assert status_of(decision) == State.DRAFTING
    steps = current_steps(decision)
    assert steps[StepKind.LEGALITY_REVIEW].round == 2
    assert steps[StepKind.COLLECTIVE_DISCUSSION].round == 2


# ---------------------------------------------------------------- rule 5: publish, then execute


def test_cannot_publish_before_the_decision_is_decided(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    says = ("Publish the decision", "Awaiting collective discussion")
    with refused("procedure.wrong_state", decision, says=says):
        services.publish_decision(
            decision=decision,
            actor=world.gov,
            channels="门户网站",
            published_on=timezone.localdate(),
            opinions_explanation="已说明。",
        )


def test_confidential_decision_cannot_be_published(world):
    decision = make_decision(world, is_confidential=True, confidential_reason="涉及国家秘密。")
    drive_to(decision, State.DECIDED, world.cast)
    with refused("rule5.confidential", decision, says=("Rule 5", "confidential")):
        services.publish_decision(
            decision=decision, actor=world.gov, channels="门户网站", published_on=timezone.localdate()
        )


def test_cannot_start_execution_of_an_unpublished_decision(world, decision):
    drive_to(decision, State.DECIDED, world.cast)
    with refused("rule5.not_published", decision, says=("Rule 5", "published")):
        services.start_execution(decision=decision, actor=world.gov, execution_unit=world.transport)


def test_decision_on_congress_list_is_published_only_after_the_report(world):
    decision = make_decision(world, in_congress_report_list=True)
    ready_for_review(world, decision, kinds=(*PRE_DISCUSSION_STEPS, StepKind.PARTY_REPORT))
    request_review(world, decision)
    give_opinion(world, decision)
    record_meeting(world, decision)
    assert status_of(decision) == State.DECIDED
    with refused("rule5.congress_report", decision, says=("Rule 5", "congress")):
        services.publish_decision(
            decision=decision,
            actor=world.gov,
            channels="门户网站",
            published_on=timezone.localdate(),
            opinions_explanation="已说明。",
        )
    complete_required_steps(decision, world.cast, (StepKind.CONGRESS_REPORT,))
    upload_decision_text(decision, world.gov)
    services.publish_decision(
        decision=decision,
        actor=world.gov,
        media=["new_media"],
        channels="门户网站",
        published_on=timezone.localdate(),
        opinions_explanation="已说明。",
    )
    assert status_of(decision) == State.PUBLISHED


# ---------------------------------------------------------------- rule 6: post-decision evaluation


def test_evaluation_cannot_start_in_the_first_year_unless_staged(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("rule6.too_early", decision, says=("Rule 6", "12 months")):
        evaluations.start_evaluation(decision=decision, actor=world.gov, evaluator_org=world.evaluator_body)
    evaluations.start_evaluation(
        decision=decision,
        actor=world.gov,
        evaluator_org=world.evaluator_body,
        trigger="importance",
        staged=True,
        stage_reason="第一阶段（实施满半年）",
    )
    assert status_of(decision) == State.EVALUATING


def test_evaluation_may_start_one_year_into_execution(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    decision.execution_started_at = timezone.now() - timedelta(days=366)  # time passes (not a status change)
    decision.save(update_fields=["execution_started_at"])
    evaluations.start_evaluation(
        decision=decision, actor=world.gov, evaluator_org=world.evaluator_body, trigger="importance"
    )
    assert status_of(decision) == State.EVALUATING


def test_evaluation_may_start_within_six_months_after_the_term_expired(world):
    decision = make_decision(world, term_end=timezone.localdate() - timedelta(days=30))
    drive_to(decision, State.IN_EXECUTION, world.cast)
    evaluations.start_evaluation(
        decision=decision, actor=world.gov, evaluator_org=world.evaluator_body, trigger="importance"
    )
    assert status_of(decision) == State.EVALUATING


def test_evaluation_long_after_the_term_expired_is_not_excused(world):
    decision = make_decision(world, term_end=timezone.localdate() - timedelta(days=240))
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("rule6.too_early", decision, says="Rule 6"):
        evaluations.start_evaluation(decision=decision, actor=world.gov, evaluator_org=world.evaluator_body)


def test_body_that_did_the_risk_assessment_cannot_evaluate(world):
    decision = make_decision(world, has_stability_risk=True)
    drive_to(decision, State.DRAFTING, world.cast)
    run_unit_step(
        world,
        decision,
        StepKind.RISK_ASSESSMENT,
        {
            "risk_level": "medium",
            "controllable": True,
            "assessing_org": world.evaluator_body.pk,
            "measures": "分步实施。",
        },
    )
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("rule6.not_independent", decision, says=("Rule 6", world.evaluator_body.name)):
        evaluations.start_evaluation(
            decision=decision,
            actor=world.gov,
            evaluator_org=world.evaluator_body,
            staged=True,
            stage_reason="第一阶段（实施满半年）",
        )
    evaluations.start_evaluation(
        decision=decision,
        actor=world.gov,
        evaluator_org=world.institute,
        trigger="importance",
        staged=True,
        stage_reason="第一阶段",
    )
    assert status_of(decision) == State.EVALUATING


# ---------------------------------------------------------------- rule 7: change only by adjustment


def test_from_execution_the_only_ways_are_suspend_adjust_evaluate_archive():
    assert {t.name for t in transitions_from(State.IN_EXECUTION)} == {
        "suspend",
        "start_adjustment",
        "abandon_adjustment",
        "start_evaluation",
        "archive",
    }
    assert {t.name for t in transitions_from(State.SUSPENDED)} == {"start_adjustment", "abandon_adjustment"}


WRONG_MOVES_IN_EXECUTION = {
    "catalog": lambda w, d: services.catalog_decision(decision=d, actor=w.gov),
    "publish": lambda w, d: services.publish_decision(
        decision=d, actor=w.gov, channels="网站", published_on=timezone.localdate(), opinions_explanation="x"
    ),
    "start_drafting": lambda w, d: services.start_drafting(decision=d, actor=w.drafter),
    "request_legality_review": lambda w, d: request_review(w, d),
    "give_legality_opinion": lambda w, d: give_opinion(w, d),
    "record_collective_decision": lambda w, d: record_meeting(w, d),
    "start_execution": lambda w, d: services.start_execution(decision=d, actor=w.gov, execution_unit=w.transport),
    "withdraw": lambda w, d: services.withdraw_decision(decision=d, actor=w.gov, reason="不再执行。"),
    "complete_evaluation": lambda w, d: evaluations.complete_evaluation(decision=d, actor=w.gov, public_summary="x"),
}


@pytest.mark.parametrize("name", WRONG_MOVES_IN_EXECUTION)
def test_decision_in_execution_refuses_other_moves(world, decision, name):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    if name == "complete_evaluation":
        decision.evaluator_org = world.evaluator_body  # scope the evaluator in, so the state is what refuses
        decision.save(update_fields=["evaluator_org"])
    with refused("procedure.wrong_state", decision, says="In execution"):
        WRONG_MOVES_IN_EXECUTION[name](world, decision)


def test_decision_in_execution_cannot_be_edited(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("decision.not_editable", decision, says="adjustment procedure"):
        services.update_decision(decision=decision, actor=world.drafter, title="新标题")


def test_status_cannot_be_assigned_outside_the_services(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    loaded = Decision.objects.get(pk=decision.pk)
    with pytest.raises(ProcedureError) as caught:
        loaded.status = State.DRAFTING
    assert caught.value.code == "procedure.status_protected"
    assert loaded.status == State.IN_EXECUTION
    assert status_of(decision) == State.IN_EXECUTION


def test_bulk_updates_of_decisions_and_steps_are_refused(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    for attempt in (
        lambda: Decision.objects.update(status=State.DRAFTING),
        lambda: Decision.objects.filter(pk=decision.pk).update(status=State.DRAFTING),
        lambda: Decision.objects.bulk_update([decision], ["status"]),
        lambda: Step.objects.filter(decision=decision).update(status=StepStatus.DONE),
    ):
        with refused("procedure.bulk_update", decision):
            attempt()
    assert status_of(decision) == State.IN_EXECUTION


def test_suspended_decision_resumes_only_through_adjustment(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.suspend_decision(decision=decision, actor=world.gov, reason="发生重大安全隐患。")
    with refused("procedure.wrong_state", decision, says="Suspended"):
        services.archive_decision(decision=decision, actor=world.gov, reason="归档。")
    with refused("procedure.wrong_state", decision, says="Suspended"):
        evaluations.start_evaluation(
            decision=decision,
            actor=world.gov,
            evaluator_org=world.evaluator_body,
            staged=True,
            stage_reason="第一阶段（实施满半年）",
        )
    # Art. 37: the suspension opened the adjustment at once.
    assert status_of(decision) == State.SUSPENDED  # in force, suspended, while its adjustment drafts
    assert Decision.objects.get(pk=decision.pk).procedure_state == State.DRAFTING


def test_adjustment_needs_its_purpose(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    with refused("adjustment.purpose", decision):
        services.start_adjustment(decision=decision, actor=world.gov, purpose="", reason="调整。")


# ---------------------------------------------------------------- wrong states and missing reasons


def test_cannot_start_drafting_a_proposed_decision(world, decision):
    with refused("procedure.wrong_state", decision, says=("Start the procedure", "Proposed")):
        services.start_drafting(decision=decision, actor=world.drafter)


def test_cannot_catalog_twice(world, decision):
    enter_in_catalog(world, decision)
    with refused("procedure.wrong_state", decision, says="In the catalog"):
        services.catalog_decision(decision=decision, actor=world.gov)


def test_a_decision_enters_the_catalog_only_by_the_catalogs_publication(world, decision):
    with refused("catalog.through_publication", decision, says=("Decree 713 Art. 3", "publishes the catalog")):
        services.catalog_decision(decision=decision, actor=world.gov)
    enter_in_catalog(world, decision)
    assert decision.status == State.CATALOGED and decision.catalog_entry.catalog.versions.count() == 1


def test_archived_decision_accepts_no_move(world, decision):
    services.withdraw_decision(decision=decision, actor=world.gov, reason="目录调整。")
    services.archive_decision(decision=decision, actor=world.gov, reason="归档。")
    with refused("procedure.wrong_state", decision, says="Archived"):
        services.withdraw_decision(decision=decision, actor=world.gov, reason="再次撤回。")
    with refused("procedure.wrong_state", decision, says="Archived"):
        services.catalog_decision(decision=decision, actor=world.gov)


def test_withdraw_needs_a_reason(world, decision):
    with refused("procedure.reason_required", decision, says="reason"):
        services.withdraw_decision(decision=decision, actor=world.gov, reason="   ")


@pytest.mark.parametrize("move", ["suspend", "archive", "start_adjustment"])
def test_moves_out_of_execution_need_a_reason(world, move):
    decision = make_decision(world, term_end=timezone.localdate() - timedelta(days=1))  # archivable: term over
    drive_to(decision, State.IN_EXECUTION, world.cast)
    call = {
        "suspend": lambda: services.suspend_decision(decision=decision, actor=world.gov, reason=""),
        "archive": lambda: services.archive_decision(decision=decision, actor=world.gov, reason=" "),
        "start_adjustment": lambda: services.start_adjustment(
            decision=decision, actor=world.gov, purpose="change", reason=""
        ),
    }[move]
    with refused("procedure.reason_required", decision, says="reason"):
        call()
    assert current_steps(decision)[StepKind.EXECUTION].status == StepStatus.OPEN
