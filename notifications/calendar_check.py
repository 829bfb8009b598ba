"""From 1 November the legal office is reminded daily until next year's holidays are entered: every due date
computed into a year nobody entered is provisional (workdays.calendar)."""

from datetime import date

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from workdays.models import Holiday

from .models import Notice

REMINDER_FROM_MONTH = 11


def next_year_entered(today: date) -> bool:
    return Holiday.objects.filter(date__year=today.year + 1).exists()


def check_calendar_coverage(*, today: date | None = None) -> int:
    """One notice a day to each legal reviewer while next year's calendar is missing; returns how many were new."""
    today = today or timezone.localdate()
    if today.month < REMINDER_FROM_MONTH or next_year_entered(today):
        return 0
    year = today.year + 1
    reviewers = list(
        User.objects.filter(is_active=True, groups__name=Role.LEGAL_REVIEWER.value).values_list("pk", flat=True)
    )
    threshold = f"calendar:{year}:{today.isoformat()}"
    told = set(Notice.objects.filter(threshold=threshold, step=None).values_list("recipient_id", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Enter the %(year)s holidays: due dates in %(year)s are provisional until you do") % {"year": year}
    fresh = [
        Notice(
            recipient_id=user_id,
            kind=Notice.Kind.CALENDAR,
            threshold=threshold,
            subject=subject,
            url="/manage/holidays/",
        )
        for user_id in reviewers
        if user_id not in told
    ]
    Notice.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
