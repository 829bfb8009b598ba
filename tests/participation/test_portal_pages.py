"""The public consultations on the portal: the list, one consultation with its draft clause by clause and its opinion
form (CSRF checked as a browser's), the receipt page, and the lookup of an opinion's answer by receipt number and
contact. Refusals show the service's message and store nothing; no page ever shows a commenter's personal data."""

import pytest
from django.test import Client
from django.urls import reverse

from participation import services
from participation.models import Comment

from .helpers import close_it, open_consultation, opinion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NAME, CONTACT, ORGANIZATION = "李居民", "citizen@example.cn", "示例小区业主委员会"
TEXT = "建议第三条写明登记的办理期限。"


@pytest.fixture
def citizen():
    """An anonymous visitor reading the pages in English, whose forms are checked for CSRF as a browser's."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


def post_form(client, url, data):
    """Submit a form as the browser would: a page with a form first (its CSRF cookie), then the POST with the token.

    (The receipt lookup always has a form; a closed consultation's page has none, the visitor loaded it open.)"""
    client.get(reverse("portal:consultation_receipt"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def detail_url(consultation):
    return reverse("portal:consultation", args=[consultation.pk])


def comment_data(**overrides):
    return {"name": NAME, "contact": CONTACT, "organization": ORGANIZATION, "text": TEXT, "website": ""} | overrides


def test_a_citizen_comments_on_clause_3_and_reads_the_answer_with_the_contact(citizen, world):
    consultation = open_consultation(world)
    clause = consultation.clauses.get(label="第三条")
    page = citizen.get(detail_url(consultation))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    html = page.content.decode()
    assert consultation.title in html and f'id="clause-{clause.number}"' in html
    assert f"?clause={clause.pk}#comment" in html and "Comment on this clause" in html
    assert "never published" in html and "Personal Information Protection Law" in html
    assert reverse("portal:decision", args=[consultation.step.decision_id]) in html
    assert "第一章 总则" in html  # the chapter heading
    preselected = citizen.get(detail_url(consultation), {"clause": clause.pk}).content.decode()
    assert f'<option value="{clause.pk}" selected>' in preselected

    response = post_form(citizen, detail_url(consultation), comment_data(clause=clause.pk))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    comment = Comment.objects.get()
    assert comment.clause == clause and comment.contact == CONTACT and comment.organization == ORGANIZATION
    assert comment.receipt_number in response.content.decode()

    lookup = reverse("portal:consultation_receipt")
    wrong = post_form(citizen, lookup, {"receipt_number": comment.receipt_number, "contact": "other@example.cn"})
    assert wrong.status_code == 404
    assert "No opinion has this receipt number and contact." in wrong.content.decode()
    assert TEXT not in wrong.content.decode()
    unknown = post_form(citizen, lookup, {"receipt_number": "YJ-2026-AAAAAAAA", "contact": CONTACT})
    assert unknown.status_code == 404 and "No opinion has this receipt number and contact." in unknown.content.decode()

    pending = post_form(citizen, lookup, {"receipt_number": comment.receipt_number.lower(), "contact": CONTACT})
    assert pending.status_code == 200 and "no-store" in pending["Cache-Control"]
    assert TEXT in pending.content.decode() and "Not answered yet" in pending.content.decode()

    services.answer_comment(comment=comment, actor=world.drafter, answer="not_adopted", reason="已由其他条款规定。")
    answered = post_form(citizen, lookup, {"receipt_number": comment.receipt_number, "contact": CONTACT}).content
    html = answered.decode()
    assert "Not adopted" in html and "已由其他条款规定。" in html and "第三条" in html and TEXT in html


def test_the_theme_answer_is_the_opinion_answer(citizen, world):
    consultation = open_consultation(world)
    comment = opinion(consultation, contact=CONTACT)
    theme = services.create_theme(consultation=consultation, actor=world.drafter, title="登记期限")
    services.assign_to_theme(comments=[comment], theme=theme, actor=world.drafter)
    services.answer_theme(theme=theme, actor=world.drafter, answer="partly_adopted", reason="部分采纳。")
    html = post_form(
        citizen,
        reverse("portal:consultation_receipt"),
        {"receipt_number": comment.receipt_number, "contact": CONTACT},
    ).content.decode()
    assert "Partly adopted" in html and "部分采纳。" in html and "The draft as a whole" in html


def test_the_honeypot_refuses_and_stores_nothing(citizen, world):
    consultation = open_consultation(world)
    response = post_form(citizen, detail_url(consultation), comment_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "a field that must stay empty was filled in" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_form_without_the_csrf_token_is_refused(citizen, world):
    consultation = open_consultation(world)
    citizen.get(detail_url(consultation))
    assert citizen.post(detail_url(consultation), comment_data()).status_code == 403
    assert not Comment.objects.exists()


def test_a_bad_opinion_shows_the_service_message_at_its_field(citizen, world):
    consultation = open_consultation(world)
    response = post_form(citizen, detail_url(consultation), comment_data(contact="not a contact"))
    assert response.status_code == 400
    assert "Give a telephone number or an e-mail address" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_closed_consultation_refuses_with_the_message_and_stores_nothing(citizen, world):
    consultation = open_consultation(world)
    opinion(consultation)
    consultation = close_it(consultation)
    page = citizen.get(detail_url(consultation)).content.decode()
    assert "opinions are no longer taken" in page and "Send the opinion" not in page
    response = post_form(citizen, detail_url(consultation), comment_data())
    assert response.status_code == 409
    assert "This consultation closed on" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_withdrawn_consultation_shows_its_reason_and_refuses(citizen, world):
    consultation = open_consultation(world)
    services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason="上位法修改，暂缓征求意见。")
    page = citizen.get(detail_url(consultation)).content.decode()
    assert "This consultation was withdrawn" in page and "上位法修改，暂缓征求意见。" in page
    response = post_form(citizen, detail_url(consultation), comment_data())
    assert response.status_code == 409 and "上位法修改" in response.content.decode()
    assert not Comment.objects.exists()
    listing = citizen.get(reverse("portal:consultations")).content.decode()
    assert "Withdrawn" in listing and "上位法修改，暂缓征求意见。" in listing


def test_a_rate_limited_opinion_is_refused_with_429(citizen, world, settings):
    settings.COMMENT_RATE_PER_ADDRESS = 1
    consultation = open_consultation(world)
    assert post_form(citizen, detail_url(consultation), comment_data()).status_code == 200
    response = post_form(citizen, detail_url(consultation), comment_data(contact="13912345678"))
    assert response.status_code == 429 and response.has_header("Retry-After")
    assert "Too many opinions" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_draft_consultation_is_not_public(citizen, world):
    consultation = open_consultation(world)
    type(consultation).objects.filter(pk=consultation.pk).update(status="draft")
    assert citizen.get(detail_url(consultation)).status_code == 404
    assert consultation.title not in citizen.get(reverse("portal:consultations")).content.decode()
    assert citizen.get(reverse("portal:consultation", args=[999999])).status_code == 404


def test_the_list_and_the_detail_never_show_a_commenter(citizen, world):
    consultation = open_consultation(world)
    clause = consultation.clauses.get(label="第三条")
    for contact in (CONTACT, "13812345678"):
        opinion(consultation, name=NAME, contact=contact, organization=ORGANIZATION, clause=clause)
    listing = citizen.get(reverse("portal:consultations"))
    assert listing.status_code == 200 and consultation.title in listing.content.decode()
    assert consultation.step.decision.number in listing.content.decode()
    detail = citizen.get(detail_url(consultation))
    for html in (listing.content.decode(), detail.content.decode()):
        for personal in (NAME, CONTACT, "citizen@", "13812345678", "5678", ORGANIZATION):
            assert personal not in html
    assert "Consultations" in citizen.get(reverse("portal:home")).content.decode()  # the navigation link


def test_the_list_is_cached_for_anonymous_visitors(citizen, world):
    open_consultation(world)
    first = citizen.get(reverse("portal:consultations"))
    assert "public" in first["Cache-Control"]
    assert citizen.get(reverse("portal:consultations"))["X-Portal-Cache"] == "hit"


@pytest.mark.parametrize("count", [1, 25])
def test_the_list_page_costs_the_same_queries_whatever_its_length(client, world, count, django_assert_max_num_queries):
    from datetime import timedelta

    from participation.models import Consultation

    consultation = open_consultation(world)
    base = Consultation.objects.filter(pk=consultation.pk).values().get()
    for i in range(count - 1):
        # more consultations, each on a copy of the step (a later round: a consultation is one to one with its step)
        step = consultation.step
        step.pk = step.id = None
        step.round += 1
        step.save()
        values = base | {"id": None, "step_id": step.pk, "comment_start": base["comment_start"] - timedelta(days=i)}
        Consultation.objects.create(**values)
    assert Consultation.objects.count() == count
    with django_assert_max_num_queries(3):
        response = client.get(reverse("portal:consultations"))
    assert response.status_code == 200
