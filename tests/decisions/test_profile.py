"""The organ's procedure profile: the rules read their numbers from it; changing it is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services
from decisions.errors import ProcedureError
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from workdays.calendar import period_end

pytestmark = pytest.mark.usefixtures("english")


def test_legal_office_tightens_the_profile_and_it_is_recorded(world):
    profile = services.update_procedure_profile(organ=world.city, actor=world.legal_reviewer, min_comment_days=45)
    assert profile.min_comment_days == 45
    event = LedgerEvent.objects.get(action="profile.updated")
    assert event.before == {"min_comment_days": 30} and event.after == {"min_comment_days": 45}


def test_profile_cannot_go_below_decree_713(world):
    with pytest.raises(ProcedureError) as refused:
        services.update_procedure_profile(organ=world.city, actor=world.legal_reviewer, min_review_working_days=5)
    assert refused.value.code == "profile.review_days"
    assert not LedgerEvent.objects.filter(action="profile.updated").exists()


def test_drafter_and_other_organs_cannot_change_the_profile(world):
    with pytest.raises(ProcedureError) as refused:
        services.update_procedure_profile(organ=world.city, actor=world.drafter, min_comment_days=40)
    assert refused.value.code == "permission.role"
    with pytest.raises(ProcedureError) as refused:
        services.update_procedure_profile(organ=world.other_city, actor=world.legal_reviewer, min_comment_days=40)
    assert refused.value.code == "permission.scope"


def test_stricter_comment_period_is_enforced(world, decision):
    services.update_procedure_profile(organ=world.city, actor=world.legal_reviewer, min_comment_days=45)
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    start = timezone.localdate() - timedelta(days=90)
    services.update_step_details(
        step=step,
        actor=world.drafter,
        details={
            "comment_start": start,
            "comment_end": period_end(start, 30).value,
            "channels": "网站",
            "comments_received": 3,
            "feedback_summary": "已反馈",
        },
    )
    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("f.pdf"),
        kind="report",
        title="反馈报告",
        step=step,
    )
    with pytest.raises(ProcedureError) as refused:
        services.submit_step(step=step, actor=world.drafter)
    assert refused.value.code == "rule3.period_too_short"
    assert "at least 45 days" in str(refused.value.message)


def test_profile_change_does_not_move_a_running_review_period(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    due = current_steps(decision)[StepKind.LEGALITY_REVIEW].due_on
    services.update_procedure_profile(organ=world.city, actor=world.legal_reviewer, min_review_working_days=15)
    decision.refresh_from_db()
    assert current_steps(decision)[StepKind.LEGALITY_REVIEW].due_on == due
