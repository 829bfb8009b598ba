"""POST /api/v1/catalogs/suggestions/: no login, receipt number, bad input, closed window, rate limit."""

from datetime import timedelta

from django.urls import reverse

from catalog.models import Suggestion

URL = "/api/v1/catalogs/suggestions/"


def _body(window, **fields):
    return {
        "window": window.pk,
        "title": "建议将老旧小区改造纳入目录",
        "reason": "涉及群众切身利益。",
        "submitter_name": "王五",
        "contact": "13812341234",
    } | fields


def test_a_suggestion_gets_its_receipt(client, world, window):
    assert reverse("api:catalog_suggestions") == URL
    response = client.post(URL, _body(window), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["receipt_number"] == Suggestion.objects.get().receipt_number
    assert "13812341234" not in response.content.decode()


def test_bad_input_unknown_or_closed_window(client, world, window):
    assert client.post(URL, _body(window, contact="nope"), content_type="application/json").status_code == 400
    assert client.post(URL, _body(window) | {"window": 999999}, content_type="application/json").status_code == 404
    window.opens_on -= timedelta(days=10)
    window.closes_on = window.opens_on + timedelta(days=5)
    window.save()
    response = client.post(URL, _body(window), content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "suggestion.window_closed"
    assert not Suggestion.objects.exists()


def test_rate_limited(client, world, window, settings):
    settings.SUGGESTION_RATE_PER_CONTACT = 1
    assert client.post(URL, _body(window), content_type="application/json").status_code == 201
    response = client.post(URL, _body(window), content_type="application/json")
    assert response.status_code == 429 and response.json()["code"] == "suggestion.rate_limited"
    assert response.has_header("Retry-After")
