"""The calendar's helpers for due dates, and the signal it sends when the legal office changes a holiday (workdays
imports no business app: the apps above it listen)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workdays import services
from workdays.calendar import (
    ComputedDate,
    WorkingDayCalendar,
    add_months,
    add_working_days,
    months_period_end,
    on_date,
    using_calendar,
    working_day_on_or_before,
    working_days_left,
)
from workdays.models import Holiday
from workdays.signals import calendar_changed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REST = Holiday.Kind.REST_DAY


def test_working_days_back_from_a_date():
    # Three working days before Monday 12 October 2026: Saturday 10 (make-up), Friday 9, Thursday 8.
    assert add_working_days(date(2026, 10, 12), -3) == ComputedDate(date(2026, 10, 8))
    assert add_working_days(date(2026, 10, 8), -1) == ComputedDate(date(2026, 9, 30))  # over National Day


def test_months_run_on_to_a_working_day_and_short_months_end_on_their_last_day():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert months_period_end(date(2026, 7, 1), 3) == ComputedDate(date(2026, 10, 8))  # 1 Oct, National Day


def test_a_no_later_than_date_on_a_rest_day_is_met_the_working_day_before():
    assert working_day_on_or_before(date(2026, 10, 5)) == ComputedDate(date(2026, 9, 30))
    assert working_day_on_or_before(date(2026, 10, 12)) == ComputedDate(date(2026, 10, 12))


def test_a_given_date_is_provisional_only_in_a_year_not_known():
    assert on_date(date(2026, 10, 5)) == ComputedDate(date(2026, 10, 5), provisional=False)
    Holiday.objects.create(date=date(2099, 1, 1), kind=REST, name="")
    assert on_date(date(2099, 3, 3)).provisional is False  # the legal office entered that year
    assert on_date(date(2098, 3, 3)).provisional is True


def test_working_days_left_ahead_on_the_day_and_overdue():
    monday = date(2026, 11, 30)
    assert working_days_left(None, monday) is None
    assert working_days_left(monday, date(2026, 11, 25)) == 3  # Thu, Fri, Mon
    assert working_days_left(monday, monday) == 0
    assert working_days_left(date(2026, 11, 25), monday) == -3
    assert working_days_left(date(2026, 11, 27), date(2026, 11, 29)) == 0  # due Friday, seen on Sunday


def test_one_shared_calendar_reads_the_holiday_table_once_per_year():
    with CaptureQueriesContext(connection) as separate:
        for day in (date(2026, 3, 2), date(2026, 5, 6), date(2026, 9, 9)):
            working_days_left(day, date(2026, 1, 5))
    with CaptureQueriesContext(connection) as shared, using_calendar() as calendar:
        for day in (date(2026, 3, 2), date(2026, 5, 6), date(2026, 9, 9)):
            working_days_left(day, date(2026, 1, 5))
        with using_calendar() as inner:
            assert inner is calendar  # a nested block reuses the shared one
    assert (len(separate.captured_queries), len(shared.captured_queries)) == (3, 1)
    fresh = WorkingDayCalendar()
    with using_calendar(fresh) as given:
        assert given is fresh


def test_entering_correcting_and_removing_a_holiday_tells_the_apps_above():
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["actor"], kwargs["dates"], kwargs["reason"]))

    calendar_changed.connect(listener)
    try:
        holiday = services.save_holiday(actor=None, date=date(2027, 1, 1), kind=REST, name="元旦")
        services.save_holiday(actor=None, holiday=holiday, date=date(2027, 1, 2), kind=REST, name="元旦")
        services.save_holiday(actor=None, holiday=holiday, date=date(2027, 1, 2), kind=REST, name="元旦假期")
        services.delete_holiday(actor=None, holiday=holiday)
    finally:
        calendar_changed.disconnect(listener)
    reasons = [reason for _actor, _dates, reason in heard]
    assert [dates for _actor, dates, _reason in heard] == [
        [date(2027, 1, 1)],
        [date(2027, 1, 1), date(2027, 1, 2)],
        [date(2027, 1, 2)],
        [date(2027, 1, 2)],
    ]
    assert reasons == [
        "holiday calendar changed: 2027-01-01 entered",
        "holiday calendar changed: 2027-01-01 moved to 2027-01-02",
        "holiday calendar changed: 2027-01-02 changed",
        "holiday calendar changed: 2027-01-02 removed",
    ]
