"""Changes to the holiday calendar, each recorded in the ledger: a holiday moves statutory deadlines."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.roles import Role

from .models import Holiday
from .signals import calendar_changed

# Who keeps the calendar: the legal office (in the workspace) and the system administrator (in the admin).
CALENDAR_ROLES = frozenset({Role.LEGAL_REVIEWER.value, Role.SYSTEM_ADMIN.value})


def may_edit_calendar(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_superuser or user.role_names & CALENDAR_ROLES))


def _check(actor) -> None:
    """None is the system itself (a migration, seed_demo); a person needs a calendar role."""
    if actor is not None and not may_edit_calendar(actor):
        raise PermissionDenied(_("Only the legal office keeps the holiday calendar."))


@transaction.atomic
def save_holidays(*, actor, days: list[tuple[date, str, str]]) -> int:
    """Enter a State Council notice at once: each day entered or corrected (one ledger event each), announced once."""
    _check(actor)
    existing = {holiday.date: holiday for holiday in Holiday.objects.filter(date__in=[day for day, _k, _n in days])}
    changed = 0
    for day, kind, name in days:
        holiday = existing.get(day)
        if holiday is not None and (holiday.kind, holiday.name) == (kind, name):
            continue
        _save(actor, holiday, {"date": day, "kind": kind, "name": name})
        changed += 1
    if changed:
        first, last = days[0][0], days[-1][0]
        what = _("%(count)s days from %(first)s to %(last)s entered") % {
            "count": changed,
            "first": first.isoformat(),
            "last": last.isoformat(),
        }
        _announce(actor, {day for day, _k, _n in days}, what)
    return changed


@transaction.atomic
def save_holiday(*, actor, holiday: Holiday | None = None, **fields) -> Holiday:
    """Enter or correct a day of the State Council's holiday notice (it wins over chinese-calendar)."""
    _check(actor)
    created = holiday is None
    old_date = None if created else holiday.date
    holiday = _save(actor, holiday, fields)
    if created:
        what = _("%(date)s entered") % {"date": holiday.date.isoformat()}
    elif old_date != holiday.date:
        what = _("%(old)s moved to %(date)s") % {"old": old_date.isoformat(), "date": holiday.date.isoformat()}
    else:
        what = _("%(date)s changed") % {"date": holiday.date.isoformat()}
    _announce(actor, {old_date, holiday.date} - {None}, what)
    return holiday


def _save(actor, holiday: Holiday | None, fields: dict) -> Holiday:
    before = {} if holiday is None else {name: str(getattr(holiday, name)) for name in fields}
    holiday = holiday or Holiday()
    for name, value in fields.items():
        setattr(holiday, name, value)
    holiday.full_clean()
    holiday.save()
    record_event(
        actor=actor,
        action="workdays.holiday_saved",
        obj=holiday,
        before=before,
        after={name: str(getattr(holiday, name)) for name in fields},
    )
    return holiday


@transaction.atomic
def delete_holiday(*, actor, holiday: Holiday) -> None:
    _check(actor)
    record_event(
        actor=actor,
        action="workdays.holiday_deleted",
        obj=holiday,
        before={"date": str(holiday.date), "kind": holiday.kind, "name": holiday.name},
    )
    day = holiday.date
    holiday.delete()
    _announce(actor, {day}, _("%(date)s removed") % {"date": day.isoformat()})


def _announce(actor, dates: set, what: str) -> None:
    """Tell the apps whose dates the calendar computes (inside this transaction: their changes go with it)."""
    reason = _("holiday calendar changed: %(what)s") % {"what": what}
    calendar_changed.send(sender=Holiday, actor=actor, dates=sorted(dates), reason=reason)
