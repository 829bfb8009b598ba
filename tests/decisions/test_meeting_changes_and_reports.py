"""The meeting that adopts a draft with changes (Art. 30): the changes listed, the decision decided, its text published
only once uploaded again with them; and the reports to the party committee and the congress (Art. 31, Art. 8) as
records: to whom, when, the report itself, the response — listed in the meeting's materials."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from catalog import services as catalogs
from catalog.services import CatalogError
from decisions import services
from decisions.procedure import MeetingOutcome, State, StepKind, StepStatus
from decisions.selectors import current_steps, materials_pack
from demo.walkthrough import drive_to, meeting_record, step_details, submit_unit_step, upload
from tests.decisions.test_rules import record_meeting
from tests.factories import make_decision
from tests.refusals import refused

pytestmark = pytest.mark.django_db

CHANGES = "第五条过渡期由三个月延长至六个月。\n第九条增加对低收入群体的票价优惠。"


def test_adopting_with_changes_needs_the_changes_and_only_that_outcome_takes_them(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    with refused("meeting.required_changes", decision, says="list the changes"):
        record_meeting(world, decision, outcome=MeetingOutcome.ADOPTED_WITH_CHANGES)
    with refused("meeting.changes_without_outcome", decision, says="adopts the draft with changes"):
        record_meeting(world, decision, outcome=MeetingOutcome.ADOPTED, required_changes=CHANGES)


def test_adopting_with_changes_against_a_majority_that_rejects_needs_the_heads_reason(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    against = [{"name": name, "view": "disagree", "remarks": "时机不成熟。"} for name in ("甲委员", "乙委员")]
    with refused("meeting.departure_reason", decision, says="state the reason"):
        record_meeting(
            world, decision, members=against, outcome=MeetingOutcome.ADOPTED_WITH_CHANGES, required_changes=CHANGES
        )


def test_adopted_with_changes_is_decided_and_published_only_with_the_changed_text(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    step = record_meeting(world, decision, outcome=MeetingOutcome.ADOPTED_WITH_CHANGES, required_changes=CHANGES)
    decision.refresh_from_db()
    assert decision.status == State.DECIDED
    assert step.outcome == MeetingOutcome.ADOPTED_WITH_CHANGES
    assert step.meeting.required_changes == CHANGES
    with translation.override("en"):
        assert step.meeting.get_outcome_display() == "Adopted with changes"
    publication = {
        "decision": decision,
        "actor": world.gov,
        "media": ["new_media"],
        "channels": "市政府门户网站",
        "published_on": timezone.localdate(),
        "opinions_explanation": "公众意见和专家意见的采纳情况见反馈报告。",
    }
    with refused("rule5.changes_not_in_text", decision, says=("adopted the decision with changes", "upload")):
        services.publish_decision(**publication)
    upload(decision, world.gov, "decision_text", "关于调整公共交通票价的决定（会议修改稿）", is_public=True)
    services.publish_decision(**publication)
    decision.refresh_from_db()
    assert decision.status == State.PUBLISHED


def test_a_text_uploaded_before_the_meeting_does_not_carry_its_changes(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    upload(decision, world.gov, "decision_text", "会前文本", is_public=True)
    record_meeting(world, decision, outcome=MeetingOutcome.ADOPTED_WITH_CHANGES, required_changes=CHANGES)
    with refused("rule5.changes_not_in_text", decision):
        services.publish_decision(
            decision=decision,
            actor=world.gov,
            channels="市政府门户网站",
            published_on=timezone.localdate(),
            opinions_explanation="说明。",
        )


def test_a_catalog_is_approved_as_it_stands_never_with_changes(world):
    year = timezone.localdate().year + 1
    catalog = catalogs.create_catalog(actor=world.gov, organ=world.city, year=year)
    catalogs.add_entry(
        catalog=catalog,
        actor=world.gov,
        title="关于优化城市公交线网的决定",
        summary="优化线网。",
        scope_category="public_policy",
        undertaking_unit=world.transport,
        legal_basis="《重大行政决策程序暂行条例》",
        planned_completion=f"{year}Q3",
    )
    catalogs.send_to_review(catalog=catalog, actor=world.gov)
    for entry in catalog.entries.all():
        catalogs.review_entry(entry=entry, actor=world.legal_reviewer, approve=True)
    record = meeting_record("常务会议", timezone.localdate() - timedelta(days=1), MeetingOutcome.ADOPTED_WITH_CHANGES)
    with pytest.raises(CatalogError) as caught:
        catalogs.record_approval(catalog=catalog, actor=world.gov, **record)
    assert caught.value.code == "catalog.approval_with_changes"
    assert "record it as deferred" in str(caught.value.message)
    catalog.refresh_from_db()
    assert catalog.status == catalog.Status.IN_REVIEW and not catalog.meetings.exists()


# ---------------------------------------------------------------- the reports to the party committee and the congress


def test_a_report_needs_its_recipient_dates_response_and_the_report_itself(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    details = step_details(StepKind.PARTY_REPORT, timezone.localdate())
    with refused("step.field_invalid", decision, says=("Reported to", "required")) as caught:
        services.update_step_details(step=step, actor=world.drafter, details=details | {"recipient": ""})
    assert caught.value.fields == ("recipient",)
    services.update_step_details(step=step, actor=world.drafter, details=details)
    with refused("step.no_document", decision, says="Attach the step's document"):
        services.submit_step(step=step, actor=world.drafter)
    late = details | {"response_received_on": details["reported_on"] - timedelta(days=1)}
    with refused("step.period_order", decision, says="before the report was sent"):
        services.update_step_details(step=step, actor=world.drafter, details=late)


def test_the_meeting_materials_list_the_reports_with_recipient_and_response(world):
    decision = make_decision(world, in_congress_report_list=True)
    drive_to(decision, State.DRAFTING, world.cast)
    submit_unit_step(decision, StepKind.CONGRESS_REPORT, world.drafter)
    label = str(StepKind.CONGRESS_REPORT.label)
    congress = {row["label"]: row for row in materials_pack(decision)}[label]
    assert not congress["ok"]  # required, submitted, not yet approved
    assert "示例市人大常委会" in congress["detail"] and "市人大常委会主任会议听取报告。" in congress["detail"]
    assert [document.kind for document in congress["documents"]] == ["report"]
    services.approve_step(step=current_steps(decision)[StepKind.CONGRESS_REPORT], actor=world.head, comment="同意。")
    assert {row["label"]: row for row in materials_pack(decision)}[label]["ok"]
    assert current_steps(decision)[StepKind.CONGRESS_REPORT].status == StepStatus.DONE
