"""Changes to the holiday calendar, each recorded in the ledger: a holiday moves statutory deadlines."""

from django.db import transaction

from accountability.ledger import record_event

from .models import Holiday


@transaction.atomic
def save_holiday(*, actor, holiday: Holiday | None = None, **fields) -> Holiday:
    """Enter or correct a day of the State Council's holiday notice (it wins over chinese-calendar)."""
    created = holiday is None
    before = {} if created else {name: str(getattr(holiday, name)) for name in fields}
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
    record_event(
        actor=actor,
        action="workdays.holiday_deleted",
        obj=holiday,
        before={"date": str(holiday.date), "kind": holiday.kind, "name": holiday.name},
    )
    holiday.delete()
