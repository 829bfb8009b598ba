"""What a value sent may be at all, before any rule of the procedure reads it: text without NUL characters, years and
dates inside the organ's calendar. The services refuse anything else with a `ProcedureError` naming the field (so
the page shows it at the field, the API answers 400); the forms use the same bounds as validators.

The bounds:

* a catalog year lies between 2000 and the current year + 5 (the annual catalog plans a few years ahead at most);
* a date lies between 2000-01-01 and today + 20 years (a decision's term, a planned date) — or today, for what has
  already happened (a meeting, a publication);
* a public comment period or a hearing lies at most one year in the past and one year ahead
  (`participation/forms.py`).

PostgreSQL refuses the NUL character (0x00) in text, and no database driver encodes a lone surrogate (which JSON can
carry as "\\ud800"): every text a service keeps is checked for both.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ProcedureError

NUL = "\x00"
EARLIEST_YEAR = 2000
EARLIEST_DATE = date(EARLIEST_YEAR, 1, 1)
CATALOG_YEARS_AHEAD = 5
FUTURE_YEARS = 20
RECENT_DAYS = 366  # "at most a year": a comment period or a hearing


# ---------------------------------------------------------------- text


def text_problem(value) -> str | None:
    """What makes text impossible to keep (None: nothing): "nul" for a NUL character, "surrogate" for a lone
    surrogate (not Unicode text at all: JSON's "\\ud800" escape); looked for in lists and dicts too."""
    if isinstance(value, str):
        if NUL in value:
            return "nul"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "surrogate"
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return next((problem for item in value if (problem := text_problem(item))), None)
    return None


def text_error(problem: str, fields: tuple[str, ...] = ()) -> ProcedureError:
    if problem == "nul":
        return ProcedureError(
            "input.null_character", _("Text may not contain the NUL character (0x00)."), fields=fields
        )
    return ProcedureError("input.invalid_text", _("Text must be valid Unicode."), fields=fields)


def refuse_unstorable_text(**values) -> None:
    """Refuse text a database cannot keep (keyword: the field it came in), whoever calls the service."""
    for name, value in values.items():
        problem = text_problem(value)
        if problem:
            raise text_error(problem, (name,))


# ---------------------------------------------------------------- years and dates


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def year_bounds() -> tuple[int, int]:
    return EARLIEST_YEAR, timezone.localdate().year + CATALOG_YEARS_AHEAD


def date_bounds() -> tuple[date, date]:
    return EARLIEST_DATE, _years_later(timezone.localdate(), FUTURE_YEARS)


def past_date_bounds() -> tuple[date, date]:
    """For what has already happened: from 2000-01-01 to today."""
    return EARLIEST_DATE, timezone.localdate()


def recent_date_bounds() -> tuple[date, date]:
    """A year back and a year ahead of today (a comment period, a hearing)."""
    today = timezone.localdate()
    return today - timedelta(days=RECENT_DAYS), today + timedelta(days=RECENT_DAYS)


def year_message(earliest: int, latest: int) -> str:
    return _("The catalog year lies between %(earliest)s and %(latest)s.") % {"earliest": earliest, "latest": latest}


def date_message(earliest: date, latest: date) -> str:
    return _("Give a date between %(earliest)s and %(latest)s.") % {
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
    }


def refuse_year_out_of_range(year, field: str = "year") -> None:
    earliest, latest = year_bounds()
    if year is not None and not (isinstance(year, int) and earliest <= year <= latest):
        raise ProcedureError("input.year_range", year_message(earliest, latest), fields=(field,))


def refuse_date_out_of_range(value, field: str, bounds=date_bounds) -> None:
    """Refuse a date outside `bounds()` (None passes: whether a date is needed is the service's own rule)."""
    earliest, latest = bounds()
    if value is not None and not (isinstance(value, date) and earliest <= value <= latest):
        raise ProcedureError("input.date_range", date_message(earliest, latest), fields=(field,))


class DateBounds:
    """A form validator: the date lies within `bounds()` (computed when validated: "today" moves)."""

    def __init__(self, bounds=date_bounds):
        self.bounds = bounds

    def __call__(self, value):
        earliest, latest = self.bounds()
        if value is not None and not earliest <= value <= latest:
            raise ValidationError(date_message(earliest, latest), code="date_range")


def validate_year(value):
    earliest, latest = year_bounds()
    if value is not None and not earliest <= value <= latest:
        raise ValidationError(year_message(earliest, latest), code="year_range")
