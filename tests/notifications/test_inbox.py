"""The inbox: the unread count in the header, reading notices, one's own only, and the e-mail choice."""

import pytest
from django.urls import reverse

from notifications.models import Notice, NoticePreference
from notifications.scan import scan_deadlines
from tests.factories import log_in_in_english

from .helpers import TUESDAY, drafting_decision, due, open_required_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminded(world):
    for _ in range(3):
        due(open_required_step(drafting_decision(world)), TUESDAY)
    scan_deadlines(today=TUESDAY)
    return list(Notice.objects.filter(recipient=world.drafter).order_by("pk"))


def test_the_header_shows_the_unread_count_and_the_inbox_lists_the_notices(client, world, reminded):
    log_in_in_english(client, world.drafter)
    page = client.get(reverse("manage:home")).content.decode()
    assert 'aria-label="3 unread notices"' in page and reverse("notices:inbox") in page
    inbox = client.get(reverse("notices:inbox"))
    assert inbox.status_code == 200
    body = inbox.content.decode()
    for notice in reminded:
        assert notice.decision.number in body and reverse("notices:open", args=[notice.pk]) in body
    assert body.count('class="unread"') == 3 and "Mark all read" in body


def test_opening_a_notice_marks_it_read_and_goes_to_its_step(client, world, reminded):
    log_in_in_english(client, world.drafter)
    notice = reminded[0]
    response = client.get(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == f"/manage/steps/{notice.step_id}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'aria-label="2 unread notices"' in client.get(reverse("manage:home")).content.decode()


def test_mark_read_and_mark_all_read_take_a_post(client, world, reminded):
    log_in_in_english(client, world.drafter)
    assert client.get(reverse("notices:read", args=[reminded[0].pk])).status_code == 405
    client.post(reverse("notices:read", args=[reminded[0].pk]))
    assert Notice.objects.filter(recipient=world.drafter, read_at=None).count() == 2
    response = client.post(reverse("notices:read_all"), follow=True)
    assert "2 notices marked read." in response.content.decode()
    assert not Notice.objects.filter(recipient=world.drafter, read_at=None).exists()
    assert list(client.get(reverse("notices:inbox"), {"unread": "1"}).context["page"].object_list) == []


def test_another_persons_notice_is_not_found_and_stays_unread(client, world, reminded):
    log_in_in_english(client, world.head)
    notice = reminded[0]
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 404
    assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    client.post(reverse("notices:read_all"))
    notice.refresh_from_db()
    assert notice.read_at is None
    assert list(client.get(reverse("notices:inbox")).context["page"].object_list) == []


def test_a_bad_page_is_not_found(client, world, reminded):
    log_in_in_english(client, world.drafter)
    for page in ("0", "x", "99", "1" * 30):
        assert client.get(reverse("notices:inbox"), {"page": page}).status_code == 404


def test_the_email_choice_is_saved_and_bad_input_changes_nothing(client, world):
    log_in_in_english(client, world.drafter)
    assert client.get(reverse("notices:settings")).status_code == 200
    response = client.post(reverse("notices:settings"), {"email_mode": "hourly"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not NoticePreference.objects.exists()
    client.post(reverse("notices:settings"), {"email_mode": "digest"})
    assert NoticePreference.objects.get(user=world.drafter).email_mode == "digest"


def test_the_inbox_needs_a_login(client):
    assert client.get(reverse("notices:inbox")).status_code == 302


def test_the_inbox_reads_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    log_in_in_english(client, world.drafter)
    due(open_required_step(drafting_decision(world)), TUESDAY)
    scan_deadlines(today=TUESDAY)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("notices:inbox"))
    for _ in range(9):
        due(open_required_step(drafting_decision(world)), TUESDAY)
    scan_deadlines(today=TUESDAY)
    assert Notice.objects.filter(recipient=world.drafter).count() == 10
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("notices:inbox"))


def test_the_api_lists_ones_own_notices_and_marks_them_read(client, world, reminded):
    client.force_login(world.drafter)
    listing = client.get("/api/v1/notices/").json()
    assert listing["count"] == 3 and {row["id"] for row in listing["results"]} == {n.pk for n in reminded}
    assert listing["results"][0]["decision_number"] and listing["results"][0]["step_kind"]
    assert client.post(f"/api/v1/notices/{reminded[0].pk}/read/").json() == {"unread": 2}
    assert client.get("/api/v1/notices/", {"unread": "1"}).json()["count"] == 2
    assert client.post("/api/v1/notices/read-all/").json() == {"unread": 0}


def test_the_api_hides_another_persons_notices(client, world, reminded):
    client.force_login(world.head)
    assert client.get("/api/v1/notices/").json()["count"] == 0
    assert client.post(f"/api/v1/notices/{reminded[0].pk}/read/").status_code == 404
    client.logout()
    assert client.get("/api/v1/notices/").status_code == 403
