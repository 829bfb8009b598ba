"""The deadline scan: each reminder once, overdue notices on working days, the legal office told when late."""

import threading
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from decisions.models import Step
from notifications.models import Notice
from notifications.scan import scan_deadlines
from tests.factories import make_user

from .helpers import TUESDAY, drafting_decision, due, open_required_step

pytestmark = pytest.mark.django_db


def _told(user, **filters):
    return list(Notice.objects.filter(recipient=user, **filters).order_by("pk").values_list("threshold", flat=True))


def test_a_step_is_reminded_at_three_days_one_day_and_on_the_day_once_each(world):
    decision = drafting_decision(world)
    step = due(open_required_step(decision), date(2026, 12, 4))  # Friday: 3 working days after Tuesday

    assert scan_deadlines(today=TUESDAY).created == 1
    assert scan_deadlines(today=TUESDAY).created == 0  # twice: nothing twice
    scan_deadlines(today=date(2026, 12, 2))  # 2 working days left: the 3-day reminder was already given
    scan_deadlines(today=date(2026, 12, 3))
    scan_deadlines(today=date(2026, 12, 4))

    assert _told(world.drafter) == ["before:3", "before:1", "before:0"]
    notice = Notice.objects.filter(recipient=world.drafter).first()
    assert (notice.step, notice.decision, notice.due_on, notice.kind) == (step, decision, step.due_on, "reminder")
    assert decision.number in notice.subject and notice.url == f"/manage/steps/{step.pk}/"
    assert not Notice.objects.exclude(recipient=world.drafter).exists()  # the head is not bothered before it is late


def test_a_due_date_set_close_gives_one_reminder_not_a_burst(world):
    due(open_required_step(drafting_decision(world)), date(2026, 12, 2))  # one working day left
    scan_deadlines(today=TUESDAY)
    assert _told(world.drafter) == ["before:1"]


def test_steps_due_later_than_the_widest_threshold_are_not_reminded(world):
    due(open_required_step(drafting_decision(world)), date(2026, 12, 7))  # Monday: 4 working days left
    assert scan_deadlines(today=TUESDAY).created == 0


def test_overdue_goes_to_the_drafter_and_the_head_daily_and_from_three_working_days_to_the_legal_office(world):
    step = due(open_required_step(drafting_decision(world)), date(2026, 11, 30))  # Monday

    scan_deadlines(today=TUESDAY)  # one working day late
    assert _told(world.drafter) == _told(world.head) == ["overdue:2026-12-01"]
    assert _told(world.legal_reviewer) == []
    scan_deadlines(today=date(2026, 12, 5))  # Saturday: no overdue notice on a rest day
    assert Notice.objects.filter(threshold="overdue:2026-12-05").count() == 0
    scan_deadlines(today=date(2026, 12, 3))  # three working days late: escalated
    assert _told(world.legal_reviewer, kind="escalation") == ["overdue:2026-12-03"]
    assert Notice.objects.filter(step=step, threshold="overdue:2026-12-03").count() == 3
    assert not Notice.objects.filter(recipient=world.outsider).exists()  # another city's people: never


def test_a_submitted_step_reminds_the_head_who_approves_it(world):
    step = due(open_required_step(drafting_decision(world)), TUESDAY, status="submitted")
    scan_deadlines(today=TUESDAY)
    assert _told(world.head) == ["before:0"] and _told(world.drafter) == []
    assert Notice.objects.get(recipient=world.head).step == step


def test_the_legality_review_reminds_the_legal_office(world):
    decision = drafting_decision(world)
    review = decision.steps.get(kind="legality_review")
    due(review, date(2026, 12, 2), status="submitted")
    scan_deadlines(today=TUESDAY)
    assert _told(world.legal_reviewer) == ["before:1"]


def test_the_carrying_drafter_is_told_not_every_drafter_of_the_unit(world):
    colleague = make_user("drafter2", world.transport, Role.DRAFTER, name="钱同事")
    due(open_required_step(drafting_decision(world)), TUESDAY)
    scan_deadlines(today=TUESDAY)
    assert _told(world.drafter) == ["before:0"] and _told(colleague) == []


def test_done_pending_and_not_applicable_steps_are_not_reminded(world):
    decision = drafting_decision(world)
    steps = list(decision.steps.order_by("pk")[:3])
    due(steps[0], TUESDAY, status="done")
    due(steps[1], TUESDAY, status="pending")
    steps[2].requirement = "not_applicable"
    due(steps[2], TUESDAY)
    assert scan_deadlines(today=TUESDAY).created == 0


def test_the_scan_reads_in_batches_with_the_same_number_of_queries_whatever_a_batch_holds(world):
    for _ in range(4):
        decision = drafting_decision(world)
        for step in decision.steps.filter(status="open"):
            due(step, TUESDAY)
    waiting = Step.objects.filter(due_on=TUESDAY).count()
    assert waiting >= 8
    with CaptureQueriesContext(connection) as captured:
        result = scan_deadlines(today=TUESDAY, batch_size=3, count_queries=lambda: len(captured.captured_queries))
    assert result.steps == waiting and result.batches == -(-waiting // 3)
    full = result.queries_per_batch[:-1]
    assert len(set(full)) == 1 and full[0] <= 5, result.queries_per_batch
    assert result.created == Notice.objects.count() == waiting  # one drafter each


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_tell_nobody_twice(world):
    for _ in range(3):
        decision = drafting_decision(world)
        for step in decision.steps.filter(status="open"):
            due(step, TUESDAY)
    barrier, errors = threading.Barrier(2), []

    def scan():
        try:
            barrier.wait(timeout=10)
            scan_deadlines(today=TUESDAY, batch_size=3)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert Notice.objects.count() == Step.objects.filter(due_on=TUESDAY).count()


def test_the_command_runs_the_same_scan_and_refuses_bad_input(world, capsys):
    due(open_required_step(drafting_decision(world)), TUESDAY)
    call_command("scan_deadlines", "--date", "2026-12-01")
    assert "1" in capsys.readouterr().out and Notice.objects.count() == 1
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("scan_deadlines", "--date", "2026-13-01")
    with pytest.raises(CommandError, match="10,000"):
        call_command("scan_deadlines", "--batch-size", "0")
    assert Notice.objects.count() == 1
