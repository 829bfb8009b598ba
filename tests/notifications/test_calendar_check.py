"""From 1 November the legal office is reminded daily until next year's holidays are entered."""

from datetime import date

import pytest

from notifications.calendar_check import check_calendar_coverage
from notifications.models import Notice
from workdays import services
from workdays.models import Holiday

pytestmark = pytest.mark.django_db


def test_the_legal_office_is_reminded_daily_from_november_until_the_year_is_entered(world):
    assert check_calendar_coverage(today=date(2026, 10, 31)) == 0  # not yet
    assert check_calendar_coverage(today=date(2026, 11, 2)) == 1
    assert check_calendar_coverage(today=date(2026, 11, 2)) == 0  # once a day
    assert check_calendar_coverage(today=date(2026, 11, 3)) == 1
    notice = Notice.objects.filter(recipient=world.legal_reviewer).first()
    assert notice.kind == "calendar" and "2027" in notice.subject and notice.url == "/manage/holidays/"
    assert not Notice.objects.exclude(recipient=world.legal_reviewer).exists()

    services.save_holiday(actor=world.legal_reviewer, date=date(2027, 1, 1), kind=Holiday.Kind.REST_DAY, name="元旦")
    assert check_calendar_coverage(today=date(2026, 11, 4)) == 0  # entered: no more reminders
