"""Due dates as the workspace and the API show them: the date, the working days left (or overdue by), "provisional"
while the year's holidays are not entered; one calendar per page or list, so my tasks costs the same queries for one
row as for ten."""

from datetime import date, datetime, time

import chinese_calendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.deadlines import DueStanding, due_standing
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps, my_tasks
from demo.walkthrough import drive_to
from tests.factories import log_in_in_english as login
from tests.factories import make_decision
from workdays.calendar import add_working_days, working_days_left

pytestmark = pytest.mark.usefixtures("english")


def provisional_year() -> int:
    year = timezone.localdate().year
    while True:
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return year
        year += 1


def drafting_decision(world, **fields):
    """A decision in drafting whose drafter has exactly one task: the report to the party committee."""
    return drive_to(make_decision(world, affects_public_interest=False, **fields), State.DRAFTING, world.cast)


def opened_on(step, day: date):
    step.opened_at = timezone.make_aware(datetime.combine(day, time(9)))
    step.save(update_fields=["opened_at"])
    services.set_due_date(step, None, "opened earlier (test)")
    step.refresh_from_db()
    return step


def overdue_consultation(world):
    """A consultation whose comment period ended three working days ago and is not yet submitted: overdue."""
    decision = drive_to(make_decision(world, title="意见征集逾期"), State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    today = timezone.localdate()
    services.update_step_details(
        step=step,
        actor=world.drafter,
        details={
            "comment_start": add_working_days(today, -30).value,
            "comment_end": add_working_days(today, -3).value,
            "channels": "市政府门户网站",
            "comments_received": 12,
            "feedback_summary": "整理中",
        },
    )
    step.refresh_from_db()
    return step


# ---------------------------------------------------------------- how a due date reads


def test_the_words_for_ahead_today_and_overdue():
    monday = date(2026, 11, 30)
    assert DueStanding(monday, False, 3, date(2026, 11, 25)).remaining == "3 working days left"
    assert DueStanding(monday, False, 1, date(2026, 11, 27)).remaining == "1 working day left"
    assert DueStanding(monday, False, 0, monday).remaining == "due today"
    assert DueStanding(monday, False, -2, date(2026, 12, 2)).remaining == "overdue by 2 working days"
    assert DueStanding(date(2026, 11, 27), False, 0, date(2026, 11, 28)).remaining == "overdue"  # a Saturday
    assert DueStanding(monday, True, None, monday).remaining == ""  # done: nobody waits
    assert str(DueStanding(monday, True, 3, date(2026, 11, 25))) == "2026-11-30 · 3 working days left · provisional"


def test_working_days_left_is_shared_by_who_acts_next_and_the_due_standing(world):
    step = current_steps(drafting_decision(world))[StepKind.PARTY_REPORT]
    expected = working_days_left(step.due_on)
    assert due_standing(step).working_days_left == expected
    from decisions.who_acts import who_acts_next

    assert who_acts_next(step.decision, step).working_days_left == expected


# ---------------------------------------------------------------- the step page


def test_the_step_page_shows_the_due_date_and_the_working_days_left(client, world):
    step = current_steps(drafting_decision(world))[StepKind.PARTY_REPORT]
    left = working_days_left(step.due_on)
    page = login(client, world.drafter).get(reverse("manage:step", args=[step.pk])).content.decode()
    due = page.split('id="step-due"')[1].split("</p>")[0]
    assert step.due_on.isoformat() in due
    assert f"{left} working days left" in due


def test_the_step_page_says_overdue_by_working_days(client, world):
    step = overdue_consultation(world)
    left = working_days_left(step.due_on)
    assert left < 0
    page = login(client, world.drafter).get(reverse("manage:step", args=[step.pk])).content.decode()
    due = page.split('id="step-due"')[1].split("</p>")[0]
    assert f"overdue by {-left} working day" in due and "due-overdue" in due


def test_the_step_page_says_provisional_in_a_year_not_yet_entered(client, world):
    year = provisional_year()
    step = current_steps(drafting_decision(world))[StepKind.PARTY_REPORT]
    step = opened_on(step, date(year - 1, 12, 20))  # 20 working days on: into January of the unknown year
    assert step.due_is_provisional and step.due_on.year == year
    page = login(client, world.drafter).get(reverse("manage:step", args=[step.pk])).content.decode()
    due = page.split('id="step-due"')[1].split("</p>")[0]
    assert step.due_on.isoformat() in due and "provisional" in due
    assert due_standing(step).remaining in due


# ---------------------------------------------------------------- my tasks


def test_my_tasks_rows_show_the_due_date_days_left_and_provisional(client, world):
    year = provisional_year()
    soon = current_steps(drafting_decision(world, title="按期事项"))[StepKind.PARTY_REPORT]
    later = opened_on(
        current_steps(drafting_decision(world, title="跨年事项"))[StepKind.PARTY_REPORT], date(year - 1, 12, 20)
    )
    late = overdue_consultation(world)
    tasks = {task.step.pk: task for task in my_tasks(world.drafter) if task.step}
    assert tasks[soon.pk].working_days_left == working_days_left(soon.due_on)
    assert tasks[later.pk].due_is_provisional and not tasks[soon.pk].due_is_provisional
    assert tasks[late.pk].working_days_left == working_days_left(late.due_on) < 0
    page = login(client, world.drafter).get(reverse("manage:home")).content.decode()
    rows = {row.split("</tr>")[0] for row in page.split("<tr>")[1:]}

    def row_of(title):
        return next(row for row in rows if title in row)

    assert f"{working_days_left(soon.due_on)} working days left" in row_of("按期事项")
    assert "provisional" in row_of("跨年事项") and "provisional" not in row_of("按期事项")
    overdue = f"overdue by {-working_days_left(late.due_on)} working day"
    assert any(overdue in row and "Public participation" in row for row in rows if "意见征集逾期" in row)


def _tasks_queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        tasks = my_tasks(user)
        assert all(task.working_days_left is not None for task in tasks if task.due_on)
    return len(captured.captured_queries)


def test_my_tasks_with_due_dates_cost_the_same_queries_for_one_row_and_for_ten(
    client, world, django_assert_max_num_queries
):
    drafting_decision(world, title="事项0")
    assert len(my_tasks(world.drafter)) == 1
    one = _tasks_queries(world.drafter)
    login(client, world.drafter)
    with CaptureQueriesContext(connection) as page_one:
        assert client.get(reverse("manage:home")).status_code == 200
    for number in range(1, 10):
        drafting_decision(world, title=f"事项{number}")
    assert len(my_tasks(world.drafter)) == 10
    with django_assert_max_num_queries(one):
        my_tasks(world.drafter)
    assert _tasks_queries(world.drafter) == one
    with CaptureQueriesContext(connection) as page_ten:
        assert client.get(reverse("manage:home")).status_code == 200
    assert len(page_ten.captured_queries) == len(page_one.captured_queries)


# ---------------------------------------------------------------- the API


def test_the_api_step_has_due_on_provisional_and_working_days_left(client, world):
    year = provisional_year()
    decision = drafting_decision(world)
    report = opened_on(current_steps(decision)[StepKind.PARTY_REPORT], date(year - 1, 12, 20))
    login(client, world.drafter)
    body = client.get(reverse("api:decision", args=[decision.pk])).json()
    steps = {step["kind"]: step for step in body["steps"]}
    party = steps[StepKind.PARTY_REPORT]
    assert party["due_on"] == report.due_on.isoformat()
    assert party["due_is_provisional"] is True
    assert party["working_days_left"] == working_days_left(report.due_on)
    pending = steps[StepKind.COLLECTIVE_DISCUSSION]
    assert (pending["due_on"], pending["due_is_provisional"], pending["working_days_left"]) == (None, False, None)
