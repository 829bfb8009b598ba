"""The legal office keeps the holiday calendar in the workspace: a State Council notice pasted at once, or one day."""

from datetime import date

import pytest
from django.urls import reverse

from accountability.models import LedgerEvent
from tests.factories import log_in_in_english
from workdays.calendar import add_working_days, year_is_covered
from workdays.models import Holiday

pytestmark = pytest.mark.django_db

NOTICE = "2027-01-01~2027-01-03 休 元旦\n2027-02-06~2027-02-13 休 春节\n2027-02-14 班 春节\n"


def test_the_page_says_a_year_not_entered_makes_its_dates_provisional(client, world):
    log_in_in_english(client, world.legal_reviewer)
    page = client.get(reverse("holidays"), {"year": "2027"}).content.decode()
    assert not year_is_covered(2027)
    assert "every due date falling in 2027 is provisional" in page
    assert reverse("holidays") in client.get(reverse("manage:home")).content.decode()  # in the legal office's menu


def test_the_notice_is_entered_at_once_each_day_in_the_ledger_and_dates_stop_being_provisional(client, world):
    log_in_in_english(client, world.legal_reviewer)
    assert add_working_days(date(2026, 12, 30), 3).provisional
    response = client.post(reverse("holiday_notice"), {"year": "2027", "lines": NOTICE}, follow=True)
    assert "12 days entered or corrected." in response.content.decode()
    assert Holiday.objects.filter(kind="rest").count() == 11 and Holiday.objects.get(kind="work").date == date(
        2027, 2, 14
    )
    assert LedgerEvent.objects.filter(action="workdays.holiday_saved").count() == 12
    computed = add_working_days(date(2026, 12, 30), 3)
    assert computed == type(computed)(date(2027, 1, 5), False)  # 31 Dec, 4 and 5 Jan: past New Year, final
    again = client.post(reverse("holiday_notice"), {"year": "2027", "lines": NOTICE}, follow=True)
    assert "0 days entered or corrected." in again.content.decode()  # nothing changed, nothing recorded
    assert LedgerEvent.objects.filter(action="workdays.holiday_saved").count() == 12


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ("2027-01-01 holiday 元旦", "is not “date[~date] 休|班 name”"),
        ("2027-02-30 休 春节", "is not “date[~date] 休|班 name”"),
        ("2027-01-03~2027-01-01 休 元旦", "the range must run forward"),
        ("2027-01-01~2027-03-01 休 元旦", "span at most 15 days"),
        ("2027-01-01 休 元旦\n2027-01-01 班 元旦", "is listed twice"),
    ],
)
def test_a_bad_notice_is_refused_line_by_line_and_nothing_is_entered(client, world, lines, error):
    log_in_in_english(client, world.legal_reviewer)
    response = client.post(reverse("holiday_notice"), {"year": "2027", "lines": lines})
    assert response.status_code == 400 and error in response.content.decode()
    assert not Holiday.objects.exists() and not LedgerEvent.objects.filter(action__startswith="workdays.").exists()


def test_one_day_is_entered_and_removed(client, world):
    log_in_in_english(client, world.legal_reviewer)
    client.post(reverse("holiday_add"), {"year": "2027", "date": "2027-10-01", "kind": "rest", "name": "国庆节"})
    holiday = Holiday.objects.get()
    assert (
        client.post(reverse("holiday_add"), {"year": "2027", "date": "2027-10-01", "kind": "rest"}).status_code == 400
    )
    client.post(reverse("holiday_delete", args=[holiday.pk]))
    assert not Holiday.objects.exists()
    assert LedgerEvent.objects.filter(action="workdays.holiday_deleted").count() == 1


def test_only_the_legal_office_keeps_the_calendar(client, world):
    log_in_in_english(client, world.drafter)
    assert client.get(reverse("holidays")).status_code == 403
    assert client.post(reverse("holiday_notice"), {"year": "2027", "lines": NOTICE}).status_code == 403
    assert not Holiday.objects.exists()
    assert client.get(reverse("holidays"), {"year": "1999"}).status_code == 404
