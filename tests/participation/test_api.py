"""The public consultations in the API: the list and one consultation with its clauses (anonymous, never a draft
one), and opinions sent by anyone: 201 with a receipt number, the API's error body for bad input (400), a closed
consultation (409), the rate limit (429 with Retry-After); a refusal stores nothing."""

import pytest
from django.urls import reverse

from participation import services
from participation.models import Comment, Consultation

from .helpers import TITLE, close_it, open_consultation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = "/api/v1/consultations/"
ENGLISH = {"Accept-Language": "en"}
BODY = {"name": "王市民", "contact": "13812341234", "text": "建议放宽中小型犬的登记条件。", "clause": "第三条"}


def comments_url(consultation):
    return reverse("api:consultation_comments", args=[consultation.pk])


def send(client, consultation, **overrides):
    return client.post(comments_url(consultation), BODY | overrides, content_type="application/json")


def test_the_list_and_the_detail(client, world):
    consultation = open_consultation(world)
    draft = open_consultation(world)
    Consultation.objects.filter(pk=draft.pk).update(status=Consultation.Status.DRAFT)
    assert reverse("api:consultations") == LIST
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    (row,) = body["results"]
    decision = consultation.step.decision
    assert row == {
        "id": consultation.pk,
        "title": TITLE,
        "organ": decision.organ.name,
        "decision_number": decision.number,
        "status": "open",
        "comment_start": consultation.comment_start.isoformat(),
        "comment_end": consultation.comment_end.isoformat(),
        "urgency_reason": "",
        "withdrawal_reason": "",
        "url": reverse("portal:consultation", args=[consultation.pk]),
    }
    detail = client.get(reverse("api:consultation", args=[consultation.pk])).json()
    assert detail["title"] == TITLE and detail["channels"] == consultation.channels
    labels = [clause["label"] for clause in detail["clauses"]]
    assert labels == ["序言", "第一条", "第二条", "第三条"]  # the preamble, then the clauses
    assert detail["clauses"][3] == {"label": "第三条", "chapter": "第二章 登记", "text": "养犬实行登记制度。"}
    assert client.get(reverse("api:consultation", args=[draft.pk])).status_code == 404
    assert client.get(LIST, {"page": "x"}).json()["missing"] == ["page"]


def test_a_withdrawn_consultation_is_listed_with_its_reason(client, world):
    consultation = open_consultation(world)
    services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason="暂缓。")
    (row,) = client.get(LIST).json()["results"]
    assert row["status"] == "withdrawn" and row["withdrawal_reason"] == "暂缓。"


def test_an_opinion_on_a_clause_is_received(client, world):
    consultation = open_consultation(world)
    response = send(client, consultation, organization="示例协会")
    assert response.status_code == 201
    comment = Comment.objects.get()
    assert response.json() == {"receipt_number": comment.receipt_number}
    assert comment.clause.label == "第三条" and comment.organization == "示例协会"
    whole = send(client, consultation, clause="", contact="a@example.com")
    assert (
        whole.status_code == 201 and Comment.objects.get(receipt_number=whole.json()["receipt_number"]).clause is None
    )


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"name": ""}, ["name"]),
        ({"text": ""}, ["text"]),
        ({"contact": "not a contact"}, ["contact"]),
        ({"clause": "第九条"}, ["clause"]),
    ],
)
def test_a_bad_opinion_is_refused_with_400_and_stores_nothing(client, world, overrides, missing):
    consultation = open_consultation(world)
    response = send(client, consultation, **overrides)
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"code", "message", "missing"} and body["missing"] == missing
    assert not Comment.objects.exists()


def test_an_empty_post_is_400(client, world):
    consultation = open_consultation(world)
    response = client.post(comments_url(consultation), {}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()["missing"]) == {"name", "contact", "text"}


def test_a_closed_consultation_answers_409(client, world):
    consultation = close_it(open_consultation(world))
    response = client.post(comments_url(consultation), BODY, content_type="application/json", headers=ENGLISH)
    assert response.status_code == 409
    assert response.json()["code"] == "comment.not_open" and "closed" in response.json()["message"]
    assert not Comment.objects.exists()


def test_rate_limited_429_with_retry_after(client, world, settings):
    settings.COMMENT_RATE_PER_ADDRESS = 1
    consultation = open_consultation(world)
    assert send(client, consultation).status_code == 201
    response = send(client, consultation, contact="a@example.com")
    assert response.status_code == 429 and response.json()["code"] == "comment.rate_limited"
    assert response.has_header("Retry-After")
    assert Comment.objects.count() == 1


def test_unknown_or_draft_consultation_is_404(client, world):
    consultation = open_consultation(world)
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.DRAFT)
    assert send(client, consultation).status_code == 404
    assert (
        client.post("/api/v1/consultations/999999/comments/", BODY, content_type="application/json").status_code == 404
    )


def test_the_endpoints_are_in_the_schema(client):
    schema = client.get(reverse("api-schema")).content.decode()
    for path in ("/api/v1/consultations/", "/api/v1/consultations/{id}/", "/api/v1/consultations/{id}/comments/"):
        assert path in schema
