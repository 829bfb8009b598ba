"""Emergency suspension (Decree 713 Art. 37): the head suspends at once with a reason; the follow-up adjustment opens
at once, with the date it is to be decided by, and the deadline scan reminds until it is decided."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import Adjustment, Decision
from decisions.procedure import State, StepKind, StepStatus
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to
from notifications.models import Notice
from notifications.scan import scan_deadlines
from tests.factories import log_in_in_english
from tests.refusals import refused, status_of
from workdays.calendar import add_working_days

pytestmark = pytest.mark.usefixtures("english")

REASON = "连续发生电池起火事故，存在重大安全隐患，先行暂停执行。"


@pytest.fixture
def executed(world, decision):
    return drive_to(decision, State.IN_EXECUTION, world.cast)


def suspend(world, decision, **extra):
    services.suspend_decision(decision=decision, actor=world.gov, reason=REASON, **extra)
    return Decision.objects.select_related("adjustment").get(pk=decision.pk)


def test_suspending_opens_the_follow_up_adjustment_at_once_with_its_due_date(world, executed):
    decision = suspend(world, executed)
    adjustment = decision.adjustment
    due = add_working_days(timezone.localdate(), 20).value  # the organ's target, counted from the suspension
    assert (decision.status, decision.procedure_state) == (State.SUSPENDED, State.DRAFTING)
    assert (adjustment.number, adjustment.purpose, adjustment.emergency, adjustment.due_on) == (1, "change", True, due)
    assert adjustment.reason == REASON
    meeting = current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION]
    assert (meeting.adjustment_round, meeting.status, meeting.due_on) == (1, StepStatus.PENDING, due)
    event = LedgerEvent.objects.filter(decision_id=decision.pk).latest("id")
    assert event.action == "decision.suspend"
    assert (event.after["adjustment"], event.after["adjustment_due_on"]) == (1, due.isoformat())


def test_the_suspension_may_say_the_adjustment_is_to_stop_the_decision(world, executed):
    assert suspend(world, executed, purpose="stop").adjustment.purpose == "stop"


def test_an_unknown_purpose_is_refused(world, executed):
    says = "changes or stops the decision"
    with refused("adjustment.purpose", executed, says=says) as caught:
        services.suspend_decision(decision=executed, actor=world.gov, reason=REASON, purpose="pause")
    assert caught.value.fields == ("purpose",)


def test_no_second_adjustment_is_started_after_the_suspension(world, executed):
    suspend(world, executed)
    says = ("Rule 7", "adjustment 1 of this decision is under way")
    with refused("rule7.adjustment_running", executed, says=says):
        services.start_adjustment(decision=executed, actor=world.gov, purpose="change", reason="另行调整。")
    assert Adjustment.objects.filter(decision=executed).count() == 1


def test_a_running_adjustment_becomes_the_follow_up_without_a_second_one(world, executed):
    services.start_adjustment(decision=executed, actor=world.gov, purpose="change", reason="调整票价。")
    decision = suspend(world, executed)
    assert Adjustment.objects.filter(decision=executed).count() == 1
    assert decision.adjustment.emergency is False  # started before the emergency, not by it
    assert decision.adjustment.due_on == add_working_days(timezone.localdate(), 20).value


def test_the_follow_up_meeting_is_due_on_the_adjustments_date_and_reminded(world, executed):
    decision = suspend(world, executed)
    due = decision.adjustment.due_on
    meeting = current_steps(decision)[StepKind.COLLECTIVE_DISCUSSION]
    scan_deadlines(today=due)  # the adjustment's drafting steps are reminded; the meeting waits until it opens
    assert Notice.objects.filter(decision=decision).exists()
    assert not Notice.objects.filter(step=meeting).exists()
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    meeting.refresh_from_db()
    assert (meeting.adjustment_round, meeting.status, meeting.due_on) == (1, StepStatus.OPEN, due)
    scan_deadlines(today=due)
    notice = Notice.objects.get(recipient=world.gov, step=meeting)
    assert (notice.kind, notice.threshold, notice.due_on) == ("reminder", "before:0", due)
    Walkthrough(world.cast).meet(decision, "adopted")  # decided: nothing more to remind about
    assert status_of(decision) == State.SUSPENDED
    scan_deadlines(today=due)
    assert Notice.objects.filter(step=meeting).count() == 1


def test_the_staff_page_says_the_adjustment_follows_an_emergency_suspension(client, world, executed):
    log_in_in_english(client, world.gov)
    client.post(reverse("manage:transition", args=[executed.pk, "suspend"]), {"reason": REASON, "purpose": "stop"})
    decision = Decision.objects.select_related("adjustment").get(pk=executed.pk)
    assert (decision.status, decision.adjustment.purpose) == (State.SUSPENDED, "stop")
    page = client.get(reverse("manage:decision", args=[executed.pk])).content.decode()
    due = decision.adjustment.due_on.isoformat()
    assert f"follows an emergency suspension, to be decided by {due}" in page


def test_the_demo_walkthrough_does_not_start_the_follow_up_twice(world, executed):
    walk = Walkthrough(world.cast)
    walk.suspend(executed, REASON, purpose="stop")
    walk.start_adjustment(executed, "stop", "经重新评估，拟停止执行。")
    assert Adjustment.objects.filter(decision=executed).count() == 1
