"""Chinese working days and legal periods (Civil Code Art. 201, 203).

Sources, strongest first: the `Holiday` table the legal office maintains; the chinese-calendar package; and for a
year neither covers, weekends plus the fixed-date statutory holidays — every date computed from such a year is
*provisional* and is shown so until the year is entered. A ground-floor module: every app may read it; it reads
no business app.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

# Fixed-date statutory holidays (全国年节及纪念日放假办法): New Year, Labour Day, National Day. The lunar ones
# (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) move, so an unknown year cannot know them: hence provisional.
FIXED_DATE_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


@dataclass(frozen=True)
class ComputedDate:
    value: date
    provisional: bool = False


class WorkingDayCalendar:
    """Answers "is this a working day?" for one computation, loading the Holiday table once per year it touches."""

    def __init__(self):
        self._entered: dict[int, dict[date, bool]] = {}

    def _entered_year(self, year: int) -> dict[date, bool]:
        if year not in self._entered:
            from .models import Holiday

            self._entered[year] = {
                row.date: row.kind == Holiday.Kind.WORKING_DAY for row in Holiday.objects.filter(date__year=year)
            }
        return self._entered[year]

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(is it a working day, is the answer provisional)."""
        entered = self._entered_year(day.year)
        if day in entered:
            return entered[day], False
        package_answer = _package_is_workday(day)
        if package_answer is not None:  # an entered row wins (above); other days keep the package's answer
            return package_answer, False
        if entered:  # a year only the legal office entered: days it did not list follow the week
            return day.weekday() < 5, False
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_DATE_HOLIDAYS, True


@lru_cache(maxsize=4096)
def _package_is_workday(day: date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def add_working_days(start: date, count: int) -> ComputedDate:
    """The `count`-th working day after `start` (the start day is not counted). Art. 26: ≥ 7 working days."""
    calendar = WorkingDayCalendar()
    day, provisional, remaining = start, False, count
    while remaining > 0:
        day += timedelta(days=1)
        working, guessed = calendar.is_working_day(day)
        provisional = provisional or guessed
        if working:
            remaining -= 1
    return ComputedDate(day, provisional)


def period_end(start: date, days: int) -> ComputedDate:
    """Last day of a period of `days` calendar days from `start` (Civil Code 201: start day not counted; 203: a
    period ending on a rest day runs to the next working day). Art. 15: comment periods ≥ 30 days."""
    calendar = WorkingDayCalendar()
    day = start + timedelta(days=days)
    working, provisional = calendar.is_working_day(day)
    while not working:
        day += timedelta(days=1)
        working, guessed = calendar.is_working_day(day)
        provisional = provisional or guessed
    return ComputedDate(day, provisional)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    calendar = WorkingDayCalendar()
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day)[0]:
            count += 1
    return count
