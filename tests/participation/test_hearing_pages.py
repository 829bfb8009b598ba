"""Hearings on the portal, in the API and in the staff workspace: the announcement, the application form (honeypot,
CSRF as a browser's), the receipt lookup with the outcome and the record to confirm, the published record; the
anonymous API (201 with the receipt, 400/409/429); the staff page of a step (a GET creates nothing, refusals at the
form with 400 and nothing stored, contacts masked). No page or answer shows an applicant's name or contact."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to
from participation import hearings
from participation.models import Hearing, HearingApplication
from tests.factories import log_in_in_english, make_decision

from .test_hearings import (
    CONTACTS,
    NAMES,
    announce,
    apply,
    hearing_snapshot,
    hearing_step,
    recorded_hearing,
    selected_hearing,
    today,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NAME, CONTACT, ORGANIZATION = "孙申请", "applicant@example.cn", "示例小区业主委员会"


@pytest.fixture
def citizen():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


def post_form(client, url, data):
    """As a browser: a page with a form first (its CSRF cookie), then the POST with the token."""
    client.get(reverse("portal:hearing_receipt"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def application_data(**overrides):
    return {
        "name": NAME,
        "contact": CONTACT,
        "organization": ORGANIZATION,
        "interest": "居民",
        "statement": "希望保留老年人优惠。",
        "website": "",
    } | overrides


def assert_no_personal_data(html: str) -> None:
    for secret in (NAME, CONTACT, ORGANIZATION, *NAMES, *CONTACTS, "示例公交集团"):
        assert secret not in html, f"{secret} leaked"


# ---------------------------------------------------------------- the portal


def test_the_announcement_and_the_application_form(citizen, world):
    hearing = announce(world, hearing_step(world))
    apply(hearing, 0)
    listing = citizen.get(reverse("portal:hearings"))
    assert listing.status_code == 200 and hearing.matter in listing.content.decode()
    page = citizen.get(reverse("portal:hearing", args=[hearing.pk]))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    html = page.content.decode()
    for fact in (hearing.matter, hearing.place, hearing.how_to_apply, hearing.selection_method, "Apply to take part"):
        assert fact in html
    assert_no_personal_data(html)

    response = post_form(citizen, reverse("portal:hearing", args=[hearing.pk]), application_data())
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    application = HearingApplication.objects.get(name=NAME)
    assert application.contact == CONTACT and application.interest == "居民"
    assert application.receipt_number in response.content.decode()


def test_the_honeypot_and_a_bad_contact_store_nothing(citizen, world):
    hearing = announce(world, hearing_step(world))
    url = reverse("portal:hearing", args=[hearing.pk])
    spam = post_form(citizen, url, application_data(website="http://spam.example"))
    assert spam.status_code == 400 and "a field that must stay empty was filled in" in spam.content.decode()
    bad = post_form(citizen, url, application_data(contact="nobody"))
    assert bad.status_code == 400 and "Give a telephone number or an e-mail address" in bad.content.decode()
    assert not HearingApplication.objects.exists()


def test_after_the_close_the_form_is_gone_and_a_post_is_409(citizen, world):
    hearing = announce(world, hearing_step(world))
    url = reverse("portal:hearing", args=[hearing.pk])
    citizen.get(reverse("portal:hearing_receipt"))
    Hearing.objects.filter(pk=hearing.pk).update(applications_close_on=today() - timedelta(days=1))
    assert "Apply to take part" not in citizen.get(url).content.decode()
    response = citizen.post(url, {**application_data(), "csrfmiddlewaretoken": citizen.cookies["csrftoken"].value})
    assert response.status_code == 409 and "Applications closed on" in response.content.decode()
    assert not HearingApplication.objects.exists()


def test_the_receipt_shows_the_outcome_and_the_selected_participant_confirms_the_record(citizen, world):
    hearing, applications = recorded_hearing(world, applicants=1)
    lookup = reverse("portal:hearing_receipt")
    number = applications[0].receipt_number
    wrong = post_form(citizen, lookup, {"receipt_number": number, "contact": "other@example.cn"})
    assert wrong.status_code == 404 and "No application has this receipt number and contact." in wrong.content.decode()
    found = post_form(citizen, lookup, {"receipt_number": number.lower(), "contact": CONTACTS[0]})
    html = found.content.decode()
    assert found.status_code == 200 and "no-store" in found["Cache-Control"]
    assert "Selected" in html and "I confirm the record" in html and "我的意见。" in html
    assert "A participant representing: 经营者" in html
    # The hearing's time has passed: the confirmation is taken now.
    Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    confirmed = post_form(citizen, lookup, {"receipt_number": number, "contact": CONTACTS[0], "confirm": "1"})
    assert confirmed.status_code == 200 and "your confirmation of the record is recorded" in confirmed.content.decode()
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.HELD and hearing.record_signed
    assert HearingApplication.objects.get(pk=applications[0].pk).record_confirmed_via == "portal"
    again = post_form(citizen, lookup, {"receipt_number": number, "contact": CONTACTS[0], "confirm": "1"})
    assert again.status_code == 409

    record = citizen.get(reverse("portal:hearing_record", args=[hearing.pk]))
    assert record.status_code == 200
    html = record.content.decode()
    assert "我的意见。" in html and "主持人（市司法局）" in html
    assert_no_personal_data(html)
    detail = citizen.get(reverse("portal:hearing", args=[hearing.pk])).content.decode()
    assert hearing.selection_result in detail and "The record of the hearing" in detail
    assert_no_personal_data(detail)


def test_the_record_is_public_only_once_confirmed(citizen, world):
    hearing, _applications = recorded_hearing(world)
    assert citizen.get(reverse("portal:hearing_record", args=[hearing.pk])).status_code == 404


def test_a_hearing_being_prepared_or_of_a_confidential_decision_is_not_public(citizen, world):
    assert citizen.get(reverse("portal:hearing", args=[999999])).status_code == 404
    decision = make_decision(world, requires_hearing=True, is_confidential=True, confidential_reason="涉及国家秘密。")
    hearing = announce(world, hearing_step(world, decision))
    assert citizen.get(reverse("portal:hearing", args=[hearing.pk])).status_code == 404
    assert hearing.matter not in citizen.get(reverse("portal:hearings")).content.decode()
    assert Client().get(reverse("api:hearing", args=[hearing.pk])).status_code == 404


# ---------------------------------------------------------------- the API


def test_the_api_lists_details_and_takes_applications(world):
    client = Client()
    hearing = announce(world, hearing_step(world))
    listing = client.get(reverse("api:hearings"))
    assert listing.status_code == 200 and listing.json()["results"][0]["id"] == hearing.pk
    url = reverse("api:hearing_applications", args=[hearing.pk])
    response = client.post(url, application_data(), content_type="application/json")
    assert response.status_code == 201
    number = response.json()["receipt_number"]
    assert number.startswith("TZ-") and HearingApplication.objects.get().receipt_number == number
    assert hearings.application_by_receipt(number, CONTACT) is not None
    detail = client.get(reverse("api:hearing", args=[hearing.pk]))
    body = detail.json()
    assert body["taking_applications"] and body["selection_method"] == hearing.selection_method
    assert body["applications"] is None and body["record"] == []
    for answer in (listing, response, detail):
        assert_no_personal_data(answer.content.decode("unicode_escape", errors="ignore") + answer.content.decode())


def test_the_api_refuses_as_the_form_does(world, settings):
    client = Client()
    hearing = announce(world, hearing_step(world))
    url = reverse("api:hearing_applications", args=[hearing.pk])
    empty = client.post(url, {}, content_type="application/json")
    assert empty.status_code == 400 and {"name", "contact", "interest"} <= set(empty.json()["missing"])
    bad = client.post(url, application_data(contact="nobody"), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["missing"] == ["contact"]
    settings.HEARING_RATE_PER_CONTACT = 1
    assert client.post(url, application_data(), content_type="application/json").status_code == 201
    limited = client.post(url, application_data(), content_type="application/json")
    assert limited.status_code == 429 and limited.has_header("Retry-After")
    Hearing.objects.filter(pk=hearing.pk).update(applications_close_on=today() - timedelta(days=1))
    closed = client.post(url, application_data(contact="x@example.cn"), content_type="application/json")
    assert closed.status_code == 409 and closed.json()["code"] == "hearing.not_taking_applications"
    assert HearingApplication.objects.count() == 1
    assert client.post(reverse("api:hearing_applications", args=[999999]), {}).status_code == 404


def test_the_api_shows_the_selection_and_the_record_without_names(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    step = hearing_step(world)
    hearing = Walkthrough(world.cast).hold_hearing(step.decision, step)
    body = client.get(reverse("api:hearing", args=[hearing.pk])).json()
    assert body["status"] == "held" and body["applications"] == 2 and body["selected"] == 2
    assert [row["order"] for row in body["record"]] == [1, 2, 3]
    assert body["record"][1]["speaker"] == "A participant representing: 经营者"
    raw = client.get(reverse("api:hearing", args=[hearing.pk])).content.decode("unicode_escape")
    assert "王经营" not in raw and "李乘客" not in raw and "@example.cn" not in raw


def test_the_endpoints_are_in_the_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert {"/api/v1/hearings/", "/api/v1/hearings/{id}/", "/api/v1/hearings/{id}/applications/"} <= set(
        schema["paths"]
    )


# ---------------------------------------------------------------- the staff page


def test_the_hearing_page_of_a_step_creates_nothing_and_announces(client, world):
    step = hearing_step(world)
    log_in_in_english(client, world.drafter)
    url = reverse("participation:hearing", args=[step.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Announce the hearing" in page.content.decode()
    assert not Hearing.objects.exists()
    starts = timezone.localtime(timezone.now() + timedelta(days=20)).replace(hour=14, minute=0)
    data = {
        "matter": "听证事项",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "place": "会议室",
        "how_to_apply": "网上报名。",
        "applications_close_on": (today() + timedelta(days=5)).isoformat(),
        "selection_method": "随机抽取。",
        "seats": "3",
    }
    late = client.post(
        reverse("participation:hearing_announce", args=[step.pk]),
        data | {"applications_close_on": (starts.date() - timedelta(days=3)).isoformat()},
    )
    assert late.status_code == 400 and "Decree 713 Art. 16" in late.content.decode()
    assert not Hearing.objects.exists()
    done = client.post(reverse("participation:hearing_announce", args=[step.pk]), data)
    assert done.status_code == 302 and done["Location"] == url
    assert Hearing.objects.get().status == Hearing.Status.ANNOUNCED


def test_the_staff_page_masks_contacts_and_refuses_at_the_form(client, world):
    hearing, applications = selected_hearing(world)
    log_in_in_english(client, world.head)
    html = client.get(reverse("participation:hearing", args=[hearing.step_id])).content.decode()
    assert CONTACTS[0] not in html and "138****2222" in html and applications[0].receipt_number in html
    before = hearing_snapshot()
    late = hearing.hearing_date - timedelta(days=2)
    response = client.post(reverse("participation:hearing_materials", args=[hearing.pk]), {"sent_on": late.isoformat()})
    assert response.status_code == 400
    assert "Decree 713 Art. 16" in response.content.decode()
    assert hearing_snapshot() == before


def test_who_may_not_run_the_hearing_gets_403_or_404(client, world):
    hearing, _applications = selected_hearing(world)
    log_in_in_english(client, world.supervisor)
    assert client.get(reverse("participation:hearing", args=[hearing.step_id])).status_code == 200
    assert client.post(reverse("participation:hearing_cancel", args=[hearing.pk]), {"reason": "x"}).status_code == 403
    log_in_in_english(client, world.drafter_b)
    assert client.get(reverse("participation:hearing", args=[hearing.step_id])).status_code == 404
    other = current_steps(drive_to(make_decision(world), State.DRAFTING, world.cast))[StepKind.PARTY_REPORT]
    log_in_in_english(client, world.drafter)
    assert client.get(reverse("participation:hearing", args=[other.pk])).status_code == 404
    assert Hearing.objects.get(pk=hearing.pk).status == Hearing.Status.SELECTED
