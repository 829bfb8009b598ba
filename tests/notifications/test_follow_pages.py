"""Following on the portal: the form on a decision's page and the organs' page, the confirmation and the one-click
unsubscribe pages; bad input changes nothing; the pages never tell whether an address follows anything."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from decisions.procedure import State
from demo.walkthrough import drive_to
from notifications.models import Follow, OutgoingMail
from tests.factories import make_decision

SITE = "https://juece.example.gov.cn"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def citizen():
    """An anonymous visitor reading the pages in English, whose forms are checked for CSRF as a browser's."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def decision(world):
    return drive_to(make_decision(world, title="关于实施垃圾分类的决定"), State.IN_EXECUTION, world.cast)


def post_form(client, url, data):
    """Submit a form as the browser would: a page with the form first (its CSRF cookie), then the POST with the token.

    (The portal's home page has no form and sets no cookie; the organs' follow page has one.)"""
    client.get(reverse("portal:follow"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def follow_decision(client, decision, email="citizen@example.cn", **extra):
    return post_form(client, reverse("portal:follow_decision", args=[decision.pk]), {"email": email, **extra})


def unchanged():
    return (Follow.objects.count(), OutgoingMail.objects.count())


def test_the_decision_page_states_the_purpose_and_never_shows_an_address(citizen, decision):
    Follow.objects.create(email="secret@example.cn", decision=decision, token="s" * 43)
    page = citizen.get(reverse("portal:decision", args=[decision.pk])).content.decode()
    assert "Follow this decision by e-mail" in page
    assert "is used only to send you the notices you ask for" in page  # the purpose (PIPL)
    assert reverse("portal:follow_decision", args=[decision.pk]) in page
    assert "secret@example.cn" not in page


def test_follow_confirm_by_the_mailed_link_then_unsubscribe_in_one_click(citizen, decision):
    response = follow_decision(citizen, decision)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:decision", args=[decision.pk]) + "#follow"
    assert "check your mail" in next(str(m) for m in get_messages(response.wsgi_request))
    follow = Follow.objects.get()
    assert (follow.email, follow.decision, follow.active) == ("citizen@example.cn", decision, False)
    mail = OutgoingMail.objects.get(key=f"follow-confirm:{follow.pk}:1")
    confirm = f"{SITE}/follow/confirm/{follow.token}/"
    assert confirm in mail.body and mail.to == "citizen@example.cn"
    assert mail.headers["List-Unsubscribe"] == f"<{SITE}/follow/unsubscribe/{follow.token}/>"

    # The link shows a button (a mail scanner opening it confirms nothing); the button confirms.
    page = citizen.get(confirm.removeprefix(SITE))
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    follow.refresh_from_db()
    assert not follow.active
    response = citizen.post(confirm.removeprefix(SITE), {"csrfmiddlewaretoken": citizen.cookies["csrftoken"].value})
    assert response.status_code == 200 and "Confirmed" in response.content.decode()
    follow.refresh_from_db()
    assert follow.active
    assert "citizen@example.cn" not in response.content.decode()

    # Unsubscribe: GET shows the button and changes nothing …
    unsubscribe = reverse("portal:follow_unsubscribe", args=[follow.token])
    page = citizen.get(unsubscribe)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode() and "Stop the mails" in page.content.decode()
    follow.refresh_from_db()
    assert follow.active
    # … and a mail client's RFC 8058 POST, with no cookie and no CSRF token, unsubscribes at once.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    follow.refresh_from_db()
    assert follow.unsubscribed_at is not None and not follow.active
    assert mail_client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200  # again: still fine


def test_the_answer_is_the_same_whether_or_not_the_address_already_follows(citizen, decision):
    first = follow_decision(citizen, decision, email="known@example.cn")
    follow = Follow.objects.get()
    follow.confirmed_at = follow.created_at
    follow.save()
    again = follow_decision(citizen, decision, email="known@example.cn")
    stranger = follow_decision(Client(HTTP_ACCEPT_LANGUAGE="en"), decision, email="new@example.cn")
    answers = [
        (r.status_code, r["Location"], [str(m) for m in get_messages(r.wsgi_request)]) for r in (first, again, stranger)
    ]
    assert answers[0] == answers[1] == answers[2]
    # … but the address already following got no second confirmation.
    assert OutgoingMail.objects.filter(to="known@example.cn").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "nul\x00@example.cn"}, "email", "Null characters are not allowed."),
        ({"email": "bot@example.cn", "website": "https://spam.example"}, None, "a field that must stay empty"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(citizen, decision, data, field, message):
    before = unchanged()
    response = follow_decision(citizen, decision, **data)
    assert response.status_code == 400
    form = response.context["follow_form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors)
    assert message in response.content.decode()
    assert unchanged() == before


def test_an_unpublished_or_confidential_decision_cannot_be_followed(citizen, world):
    drafting = make_decision(world, title="提议中")  # proposed: in no published catalog yet
    secret = make_decision(world, title="保密决定", is_confidential=True, confidential_reason="涉及国家秘密。")
    secret = drive_to(secret, State.IN_EXECUTION, world.cast)
    before = unchanged()
    for decision in (drafting, secret):
        assert follow_decision(citizen, decision).status_code == 404
    unknown = reverse("portal:follow_decision", args=[999_999])
    assert post_form(citizen, unknown, {"email": "citizen@example.cn"}).status_code == 404
    assert unchanged() == before


def test_over_the_rate_limit_per_address_or_per_email_is_refused_and_changes_nothing(citizen, decision, settings):
    settings.FOLLOW_RATE_PER_EMAIL = 2
    settings.FOLLOW_RATE_PER_ADDRESS = 4  # every request from the address counts, the refused ones too
    for _n in range(2):
        assert follow_decision(citizen, decision, email="flood@example.cn").status_code == 302
    before = unchanged()
    response = follow_decision(citizen, decision, email="flood@example.cn")  # the third for this e-mail address
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "Too many requests to follow" in response.content.decode()
    assert unchanged() == before
    assert follow_decision(citizen, decision, email="other@example.cn").status_code == 302  # the fourth from here
    before = unchanged()
    response = follow_decision(citizen, decision, email="yet-another@example.cn")  # the fifth from this client
    assert response.status_code == 429
    assert unchanged() == before
    # Another client address may still follow.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="en")
    assert follow_decision(elsewhere, decision, email="neighbour@example.cn").status_code == 302


def test_following_an_organs_catalog_from_its_page(citizen, world):
    page = citizen.get(reverse("portal:follow") + f"?organ={world.city.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["organ"] == world.city
    assert set(form.fields["organ"].queryset) == {world.city, world.other_city}  # the organs, not departments
    assert "is used only to send you the notices you ask for" in page.content.decode()
    assert citizen.get(reverse("portal:follow") + "?organ=junk").status_code == 200
    response = post_form(citizen, reverse("portal:follow"), {"organ": world.city.pk, "email": "organ@example.cn"})
    assert response.status_code == 302
    follow = Follow.objects.get()
    assert (follow.organ, follow.decision) == (world.city, None)
    assert OutgoingMail.objects.filter(key=f"follow-confirm:{follow.pk}:1", to="organ@example.cn").exists()
    # A department is not an organ: a form error, nothing changes.
    before = unchanged()
    response = post_form(citizen, reverse("portal:follow"), {"organ": world.transport.pk, "email": "x@example.cn"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert unchanged() == before


def test_the_home_page_links_to_following_an_organ(citizen, db):
    assert reverse("portal:follow") in citizen.get(reverse("portal:home")).content.decode()


def test_a_link_with_an_unknown_token_is_404(citizen, db):
    for name in ("portal:follow_confirm", "portal:follow_unsubscribe"):
        url = reverse(name, args=["no-such-token"])
        assert citizen.get(url).status_code == 404
        assert Client().post(url, {"List-Unsubscribe": "One-Click"}).status_code == 404


def test_following_again_after_unsubscribing_works_from_the_page(citizen, decision):
    follow_decision(citizen, decision, email="back@example.cn")
    follow = Follow.objects.get()
    Client().post(reverse("portal:follow_unsubscribe", args=[follow.token]), {"List-Unsubscribe": "One-Click"})
    assert follow_decision(citizen, decision, email="back@example.cn").status_code == 302
    follow.refresh_from_db()
    assert follow.unsubscribed_at is None and follow.confirmed_at is None
    assert OutgoingMail.objects.filter(key=f"follow-confirm:{follow.pk}:2").exists()
    confirm = reverse("portal:follow_confirm", args=[follow.token])
    citizen.post(confirm, {"csrfmiddlewaretoken": citizen.cookies["csrftoken"].value})
    follow.refresh_from_db()
    assert follow.active


def test_a_decision_the_published_catalog_lists_has_a_page_and_can_be_followed(citizen, world):
    """Once the catalog is published its decisions show their progress and can be followed; a proposal the catalog
    does not list yet, or a decision claimed confidential, has no public page and cannot be followed."""
    listed = drive_to(make_decision(world, title="关于建设养老驿站的决定"), State.DRAFTING, world.cast)
    proposed = make_decision(world, title="尚未列入目录的事项")
    page = citizen.get(reverse("portal:decision", args=[listed.pk]))
    assert page.status_code == 200 and "Drafting" in page.content.decode()
    assert reverse("portal:catalog", args=[listed.organ_id, listed.year]) in page.content.decode()
    response = follow_decision(citizen, listed, email="listed@example.cn")
    assert response.status_code == 302
    assert Follow.objects.get(email="listed@example.cn").decision == listed

    before = unchanged()
    assert citizen.get(reverse("portal:decision", args=[proposed.pk])).status_code == 404
    assert follow_decision(citizen, proposed).status_code == 404
    assert unchanged() == before
