"""The data migration carries the steps' JSON records into the step apps' typed rows, and nothing is lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Before the typed outcomes and the typed records: the steps' records were JSON.
BEFORE = [
    ("accounts", "0004_must_change_password"),  # accounts as it is (only the procedure's tables go back)
    ("decisions", "0004_profile_hearing_evaluation_quorum_numbers"),
    ("participation", None),
    ("review", "0002_holiday_moved_to_workdays"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_json_records_are_carried_into_typed_rows():
    old = migrate(BEFORE)
    Organization, User = old.get_model("accounts", "Organization"), old.get_model("accounts", "User")
    Decision, Step = old.get_model("decisions", "Decision"), old.get_model("decisions", "Step")
    city = Organization.objects.create(code="c", name="市政府", kind="government")
    unit = Organization.objects.create(code="t", name="交通局", kind="department", parent=city)
    institute = Organization.objects.create(code="i", name="研究院", kind="expert_institution", parent=city)
    user = User.objects.create(username="u", organization=unit)
    decision = Decision.objects.create(
        number="2026-001",
        title="票价",
        year=2026,
        scope_category="public_policy",
        organ=city,
        undertaking_unit=unit,
        created_by=user,
        evaluator_org=institute,
    )
    records = {
        "public_participation": {
            "comment_start": "2026-09-01",
            "comment_end": "2026-10-08",
            "short_period_reason": "",
            "channels": "门户网站",
            "comments_received": 12,
            "feedback_summary": "已反馈。",
            "minimum_comment_days": 30,
        },
        "risk_assessment": {
            "risk_level": "high",
            "controllable": True,
            "assessing_org": institute.pk,
            "measures": "措施",
        },
        "party_report": {"reported_on": "2026-10-10", "summary": "同意"},
        "legality_review": {
            "legal_basis": "《条例》",
            "procedure_statement": "已完成",
            "review_working_days": 7,
            "opinion": "lawful",
            "opinion_text": "合法",
        },
        "post_evaluation": {"evaluator": "研究院", "staged": True, "stage_reason": "一期", "conclusion": "continue"},
        "publication": {
            "channels": "门户网站",
            "published_on": "2026-10-25",
            "link": "https://www.example.gov.cn/1",
            "opinions_explanation": "见说明",
        },
        "execution": {
            "execution_unit": "交通局",
            "reports": [{"at": "2026-11-01T09:30:00+08:00", "by": "u", "progress": "已完成线网调整"}],
        },
        "collective_discussion": {
            "meeting_name": "常务会议",
            "meeting_date": "2026-10-20",
            "members": [
                {"name": "甲", "view": "agree", "remarks": ""},
                {"name": "乙", "view": "disagree", "remarks": "延长过渡期"},
            ],
            "head_name": "市长",
            "head_statement": "同意",
            "outcome": "adopted",
            "majority": "",
            "dissenters": ["乙"],
        },
    }
    for kind, details in records.items():
        Step.objects.create(
            decision=decision, kind=kind, requirement="required", status="done", details=details, completed_by=user
        )

    # A decision whose adjustment (to stop it) was drafting while the decision stayed suspended: one row, two things.
    adjusted = Decision.objects.create(
        number="2026-002",
        title="补贴",
        year=2026,
        scope_category="public_policy",
        organ=city,
        undertaking_unit=unit,
        created_by=user,
        status="drafting",
        adjustment_round=1,
        adjustment_purpose="stop",
        adjustment_from_state="suspended",
        published_at="2026-06-01T00:00:00Z",
    )

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    adjusted = new.get_model("decisions", "Decision").objects.get(pk=adjusted.pk)
    assert adjusted.status == "suspended"  # the decision in force, as it was
    assert (adjusted.adjustment.number, adjusted.adjustment.purpose, adjusted.adjustment.stage) == (
        1,
        "stop",
        "drafting",
    )
    Step = new.get_model("decisions", "Step")
    consultation = new.get_model("participation", "Consultation").objects.get()
    assert (str(consultation.comment_end), consultation.comments_received, consultation.minimum_comment_days) == (
        "2026-10-08",
        12,
        30,
    )
    risk = new.get_model("review", "RiskAssessment").objects.get()
    assert (risk.risk_level, risk.controllable, risk.assessing_org_id) == ("high", True, institute.pk)
    report = new.get_model("decisions", "SuperiorReport").objects.get()
    assert (str(report.reported_on), report.summary) == ("2026-10-10", "同意")
    steps = {step.kind: step for step in Step.objects.all()}
    assert not any(field.name == "details" for field in Step._meta.fields)  # the JSON is gone, nothing left in it
    assert steps["risk_assessment"].assessed_by_id == institute.pk
    assert (steps["risk_assessment"].outcome, steps["legality_review"].outcome) == ("risk_acceptable", "lawful")
    review = new.get_model("review", "LegalityReview").objects.get()
    assert (review.opinion, review.opinion_text, review.review_working_days) == ("lawful", "合法", 7)
    evaluation = new.get_model("evaluation", "Evaluation").objects.get()
    assert (evaluation.evaluator_id, evaluation.staged, evaluation.conclusion) == (institute.pk, True, "continue")
    meeting = new.get_model("decisions", "Meeting").objects.get()
    speakers = [(s.order, s.name, s.view, s.remarks) for s in meeting.speakers.order_by("order")]
    assert speakers == [(1, "甲", "agree", ""), (2, "乙", "disagree", "延长过渡期")]
    assert (meeting.name, str(meeting.held_on), meeting.members_total, meeting.recorded_by_id) == (
        "常务会议",
        "2026-10-20",
        3,  # before the quorum was kept: the members present
        user.pk,
    )
    publication = new.get_model("decisions", "Publication").objects.get()
    assert (publication.channels, str(publication.published_on)) == ("门户网站", "2026-10-25")
    execution = new.get_model("decisions", "Execution").objects.get()
    assert execution.unit_id == unit.pk
    report = new.get_model("decisions", "ExecutionReport").objects.get()
    assert (report.progress, report.reported_by_id, report.reported_at.isoformat()) == (
        "已完成线网调整",
        user.pk,
        "2026-11-01T01:30:00+00:00",
    )
