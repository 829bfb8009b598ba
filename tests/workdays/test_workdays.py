"""Chinese working days and legal periods: chinese-calendar, the legal office's Holiday table (which wins),
and provisional dates for a year neither knows."""

from datetime import date, timedelta

import chinese_calendar
import pytest

from workdays.calendar import (
    ComputedDate,
    WorkingDayCalendar,
    add_working_days,
    period_end,
    working_days_between,
)
from workdays.models import Holiday

pytestmark = pytest.mark.django_db

REST, WORK = Holiday.Kind.REST_DAY, Holiday.Kind.WORKING_DAY


def is_working_day(day: date) -> tuple[bool, bool]:
    return WorkingDayCalendar().is_working_day(day)


# ---------------------------------------------------------------- add_working_days on chinese-calendar (2026)


def test_one_working_day_after_the_eve_of_national_day_is_8_october():
    assert add_working_days(date(2026, 9, 30), 1) == ComputedDate(date(2026, 10, 8), provisional=False)


def test_make_up_saturday_after_national_day_counts_as_a_working_day():
    assert date(2026, 10, 10).weekday() == 5  # a Saturday, worked in exchange (调休)
    assert add_working_days(date(2026, 9, 30), 3).value == date(2026, 10, 10)


def test_seven_working_days_for_legality_review_span_the_holiday():
    # 28, 29, 30 Sep; 8, 9, 10 (make-up Saturday), 12 Oct — the submission day itself is not counted.
    assert add_working_days(date(2026, 9, 27), 7) == ComputedDate(date(2026, 10, 12))


def test_ordinary_week_skips_the_weekend():
    assert add_working_days(date(2026, 11, 20), 1).value == date(2026, 11, 23)  # Friday → Monday
    assert add_working_days(date(2026, 11, 23), 5).value == date(2026, 11, 30)


def test_zero_working_days_is_the_start_day():
    assert add_working_days(date(2026, 11, 21), 0) == ComputedDate(date(2026, 11, 21))


# ---------------------------------------------------------------- the Holiday table wins


def test_holiday_row_makes_a_weekday_a_rest_day():
    assert add_working_days(date(2026, 11, 24), 1).value == date(2026, 11, 25)
    Holiday.objects.create(date=date(2026, 11, 25), kind=REST, name="地方性休息日")
    assert is_working_day(date(2026, 11, 25)) == (False, False)
    assert add_working_days(date(2026, 11, 24), 1).value == date(2026, 11, 26)


def test_holiday_row_makes_a_sunday_a_make_up_working_day():
    assert add_working_days(date(2026, 10, 10), 1).value == date(2026, 10, 12)
    Holiday.objects.create(date=date(2026, 10, 11), kind=WORK, name="调休上班")
    assert is_working_day(date(2026, 10, 11)) == (True, False)
    assert add_working_days(date(2026, 10, 10), 1).value == date(2026, 10, 11)


def test_one_holiday_row_does_not_erase_the_packages_other_holidays():
    Holiday.objects.create(date=date(2026, 11, 25), kind=REST, name="地方性休息日")
    assert is_working_day(date(2026, 10, 1)) == (False, False)  # National Day stays a holiday
    assert is_working_day(date(2026, 10, 10)) == (True, False)  # and its make-up Saturday a working day
    assert add_working_days(date(2026, 9, 30), 1).value == date(2026, 10, 8)


# ---------------------------------------------------------------- a year neither knows: provisional


def first_unknown_year() -> int:
    """2027 with chinesecalendar 1.11; later after the yearly bump, so the tests follow it."""
    year = 2027
    while True:
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return year
        year += 1


UNKNOWN = first_unknown_year()


def next_weekday(day: date, skip=()) -> date:
    while day.weekday() >= 5 or day in skip:
        day += timedelta(days=1)
    return day


def test_chinesecalendar_1_11_knows_2026_but_not_2027():
    assert chinese_calendar.__version__ != "1.11.0" or UNKNOWN == 2027


def test_unknown_year_is_provisional_with_weekends_and_fixed_date_holidays_as_rest():
    fixed = [date(UNKNOWN, month, day) for month, day in ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))]
    for day in fixed:
        assert is_working_day(day) == (False, True), day
    ordinary = next_weekday(date(UNKNOWN, 3, 10))
    saturday = ordinary + timedelta(days=5 - ordinary.weekday())
    assert is_working_day(ordinary) == (True, True)
    assert is_working_day(saturday) == (False, True)
    assert is_working_day(saturday + timedelta(days=1)) == (False, True)


def test_a_date_computed_across_into_an_unknown_year_is_provisional():
    new_year = date(UNKNOWN, 1, 1)
    expected = next_weekday(new_year + timedelta(days=1))
    assert add_working_days(new_year - timedelta(days=1), 1) == ComputedDate(expected, provisional=True)


def test_a_date_computed_within_2026_is_not_provisional():
    assert add_working_days(date(2026, 12, 21), 8) == ComputedDate(date(2026, 12, 31), provisional=False)


def test_entering_the_unknown_year_makes_its_dates_definite():
    new_year = date(UNKNOWN, 1, 1)
    spring_festival = next_weekday(date(UNKNOWN, 2, 8))
    Holiday.objects.create(date=new_year, kind=REST, name="元旦")
    Holiday.objects.create(date=spring_festival, kind=REST, name="春节")
    expected = next_weekday(new_year + timedelta(days=1))
    assert add_working_days(new_year - timedelta(days=1), 1) == ComputedDate(expected, provisional=False)
    assert is_working_day(spring_festival) == (False, False)
    # Days the legal office did not list follow the week, even the fixed-date holidays: it entered the year.
    assert is_working_day(next_weekday(spring_festival + timedelta(days=1))) == (True, False)
    national_day = date(UNKNOWN, 10, 1)
    assert is_working_day(national_day) == (national_day.weekday() < 5, False)


# ---------------------------------------------------------------- period_end (Civil Code Art. 201, 203)


def test_period_start_day_is_not_counted():
    assert period_end(date(2026, 11, 2), 30) == ComputedDate(date(2026, 12, 2))
    assert period_end(date(2026, 11, 2), 1).value == date(2026, 11, 3)


def test_period_ending_on_a_weekend_runs_to_monday():
    assert date(2026, 11, 28).weekday() == 5
    assert period_end(date(2026, 10, 29), 30).value == date(2026, 11, 30)


def test_period_ending_in_national_day_runs_to_the_next_working_day():
    assert period_end(date(2026, 9, 1), 30) == ComputedDate(date(2026, 10, 8))


def test_period_ending_on_a_make_up_saturday_ends_that_day():
    assert period_end(date(2026, 9, 10), 30) == ComputedDate(date(2026, 10, 10))


def test_period_ending_on_an_entered_rest_day_moves_on():
    Holiday.objects.create(date=date(2026, 12, 2), kind=REST, name="地方性休息日")
    assert period_end(date(2026, 11, 2), 30).value == date(2026, 12, 3)


def test_period_ending_in_an_unknown_year_is_provisional():
    october = [date(UNKNOWN, 10, day) for day in (1, 2, 3)]
    expected = next_weekday(date(UNKNOWN, 10, 1), skip=october)
    assert period_end(date(UNKNOWN, 9, 1), 30) == ComputedDate(expected, provisional=True)


# ---------------------------------------------------------------- working_days_between


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert working_days_between(date(2026, 11, 2), date(2026, 11, 2)) == 0
