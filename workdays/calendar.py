"""Chinese working days and legal periods (Civil Code Art. 201, 203).

Sources, strongest first: the `Holiday` table the legal office maintains; the chinese-calendar package; and for a
year neither covers, weekends plus the fixed-date statutory holidays — every date computed from such a year is
*provisional* and is shown so until the year is entered. A ground-floor module: every app may read it; it reads
no business app.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from django.utils import timezone

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


# The calendar shared by the computations of one page, list or batch (`using_calendar`): the Holiday table is read
# once per year it touches instead of once per date computed.
_SHARED: ContextVar["WorkingDayCalendar | None"] = ContextVar("shared_working_day_calendar", default=None)


@contextmanager
def using_calendar(calendar: WorkingDayCalendar | None = None) -> Iterator[WorkingDayCalendar]:
    """Share one calendar with every computation inside the block (the one already shared, if any, unless a
    `calendar` is given): a page, a list or a batch reads the Holiday table once per year, not once per row."""
    current = _SHARED.get()
    if calendar is None and current is not None:
        yield current
        return
    calendar = calendar or WorkingDayCalendar()
    token = _SHARED.set(calendar)
    try:
        yield calendar
    finally:
        _SHARED.reset(token)


def _calendar(calendar: WorkingDayCalendar | None) -> WorkingDayCalendar:
    return calendar or _SHARED.get() or WorkingDayCalendar()


def add_working_days(start: date, count: int, calendar: WorkingDayCalendar | None = None) -> ComputedDate:
    """The `count`-th working day after `start` (the start day is not counted); before it for a negative `count`.
    Art. 26: ≥ 7 working days."""
    calendar = _calendar(calendar)
    step = 1 if count >= 0 else -1
    day, provisional, remaining = start, False, abs(count)
    while remaining > 0:
        day += timedelta(days=step)
        working, guessed = calendar.is_working_day(day)
        provisional = provisional or guessed
        if working:
            remaining -= 1
    return ComputedDate(day, provisional)


def period_end(start: date, days: int, calendar: WorkingDayCalendar | None = None) -> ComputedDate:
    """Last day of a period of `days` calendar days from `start` (Civil Code 201: start day not counted; 203: a
    period ending on a rest day runs to the next working day). Art. 15: comment periods ≥ 30 days."""
    return _next_working_day(start + timedelta(days=days), _calendar(calendar))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day: 31 January + 1 month → 28 or
    29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def months_period_end(start: date, months: int, calendar: WorkingDayCalendar | None = None) -> ComputedDate:
    """Last day of a period of `months` months from `start` (Civil Code 201–203: the corresponding day, run on to
    the next working day when it is a rest day)."""
    return _next_working_day(add_months(start, months), _calendar(calendar))


def _next_working_day(day: date, calendar: WorkingDayCalendar) -> ComputedDate:
    working, provisional = calendar.is_working_day(day)
    while not working:
        day += timedelta(days=1)
        working, guessed = calendar.is_working_day(day)
        provisional = provisional or guessed
    return ComputedDate(day, provisional)


def working_day_on_or_before(day: date, calendar: WorkingDayCalendar | None = None) -> ComputedDate:
    """`day` itself when it is a working day, else the last working day before it (a "no later than" date that
    falls on a rest day is met on the working day before)."""
    calendar = _calendar(calendar)
    working, provisional = calendar.is_working_day(day)
    while not working:
        day -= timedelta(days=1)
        working, guessed = calendar.is_working_day(day)
        provisional = provisional or guessed
    return ComputedDate(day, provisional)


def on_date(day: date, calendar: WorkingDayCalendar | None = None) -> ComputedDate:
    """A date given as such (a comment period's end, a hearing's date), provisional when its year's holidays are
    not known yet (its working days left are then counted on a provisional calendar)."""
    return ComputedDate(day, _calendar(calendar).is_working_day(day)[1])


def working_days_between(start: date, end: date, calendar: WorkingDayCalendar | None = None) -> int:
    """Working days after `start` up to and including `end`."""
    calendar = _calendar(calendar)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day)[0]:
            count += 1
    return count


def working_days_left(
    due_on: date | None, today: date | None = None, calendar: WorkingDayCalendar | None = None
) -> int | None:
    """Working days from `today` to a due date: positive ahead, 0 on the day (or with no working day between),
    negative when overdue (the working days since the due date, today included). None without a due date."""
    if due_on is None:
        return None
    today = today or timezone.localdate()
    if due_on >= today:
        return working_days_between(today, due_on, calendar)
    return -working_days_between(due_on, today, calendar)


def year_is_covered(year: int) -> bool:
    """Whether the year's holidays are known — entered by the legal office, or in chinese-calendar — so that dates
    computed into it are final, not provisional."""
    from .models import Holiday

    return Holiday.objects.filter(date__year=year).exists() or _package_is_workday(date(year, 1, 1)) is not None
