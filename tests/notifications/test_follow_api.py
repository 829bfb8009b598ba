"""POST /api/v1/follows/: the portal form's behaviour as JSON — no login, no CSRF, the same answer whatever the address
already follows, the same rate limits, errors in the API's common body."""

import pytest
from django.test import Client
from django.urls import reverse

from decisions.procedure import State
from demo.walkthrough import drive_to
from notifications.models import Follow, OutgoingMail
from tests.factories import make_decision

URL = "/api/v1/follows/"


@pytest.fixture
def api():
    """An anonymous program, answered in English; CSRF is checked as for a browser (and not needed here)."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def decision(world):
    return drive_to(make_decision(world, title="关于实施垃圾分类的决定"), State.PUBLISHED, world.cast)


def post(client, data):
    return client.post(URL, data, content_type="application/json")


def unchanged():
    return (Follow.objects.count(), OutgoingMail.objects.count())


def test_the_route_is_the_documented_one():
    assert reverse("api:follows") == URL


def test_follow_a_decision_by_its_number_and_an_organ_by_its_id(api, decision, world):
    response = post(api, {"email": "Citizen@Example.cn", "decision": decision.number})
    assert response.status_code == 202, response.content
    assert response.json()["code"] == "follow.check_mail"
    follow = Follow.objects.get(decision=decision)
    assert (follow.email, follow.active) == ("citizen@example.cn", False)
    assert OutgoingMail.objects.filter(key=f"follow-confirm:{follow.pk}:1").exists()

    response = post(api, {"email": "citizen@example.cn", "decision": decision.number, "organ": world.city.pk})
    assert response.status_code == 202  # the number within its organ: the same follower, asked again
    assert Follow.objects.filter(decision=decision).count() == 1

    assert post(api, {"email": "citizen@example.cn", "organ": world.city.pk}).status_code == 202
    assert Follow.objects.get(organ=world.city).email == "citizen@example.cn"


def test_the_answer_does_not_tell_whether_the_address_already_follows(api, decision):
    first = post(api, {"email": "known@example.cn", "decision": decision.number})
    Follow.objects.filter(email="known@example.cn").update(confirmed_at=Follow.objects.get().created_at)
    again = post(api, {"email": "known@example.cn", "decision": decision.number})
    new = post(api, {"email": "new@example.cn", "decision": decision.number})
    assert (first.status_code, first.json()) == (again.status_code, again.json()) == (new.status_code, new.json())
    assert OutgoingMail.objects.filter(to="known@example.cn").count() == 1


@pytest.mark.parametrize(
    ("data", "status", "code", "missing"),
    [
        ({"email": "not-an-address", "decision": "2026-001"}, 400, "input.invalid", ["email"]),
        ({"decision": "2026-001"}, 400, "input.invalid", ["email"]),
        ({"email": "a@example.cn"}, 400, "input.invalid", ["decision"]),
        ({"email": "a@example.cn", "organ": "x"}, 400, "input.invalid", ["organ"]),
        ({"email": "nul\x00@example.cn", "decision": "2026-001"}, 400, "input.invalid", ["email"]),
        ({"email": "a@example.cn", "decision": "2026-\x00"}, 400, "input.invalid", ["decision"]),
        ({"email": "a@example.cn", "decision": "1999-999"}, 404, "not_found", []),
        ({"email": "a@example.cn", "organ": 999_999}, 404, "not_found", []),
        ([1, 2], 400, "input.invalid", []),
    ],
)
def test_bad_input_is_refused_in_the_common_body_and_changes_nothing(api, decision, data, status, code, missing):
    before = unchanged()
    response = post(api, data)
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["missing"]) == (code, missing)
    assert body["message"]
    assert unchanged() == before


def test_an_unpublished_or_confidential_decision_or_a_department_is_404(api, world):
    drafting = make_decision(world, title="提议中")  # proposed: in no published catalog yet
    secret = make_decision(world, title="保密决定", is_confidential=True, confidential_reason="涉及国家秘密。")
    secret = drive_to(secret, State.IN_EXECUTION, world.cast)
    before = unchanged()
    for data in (
        {"email": "a@example.cn", "decision": drafting.number},
        {"email": "a@example.cn", "decision": secret.number},
        {"email": "a@example.cn", "organ": world.transport.pk},  # a department is not an organ
    ):
        response = post(api, data)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert unchanged() == before


def test_the_same_rate_limits_as_the_form(api, decision, settings):
    settings.FOLLOW_RATE_PER_EMAIL = 1
    assert post(api, {"email": "flood@example.cn", "decision": decision.number}).status_code == 202
    before = unchanged()
    response = post(api, {"email": "flood@example.cn", "decision": decision.number})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert response.json()["code"] == "follow.rate_limited"
    assert "Too many requests" in response.json()["message"]
    assert unchanged() == before


def test_it_is_in_the_openapi_schema(client, world):
    client.force_login(world.gov)
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) == {"202", "400", "404", "429"}
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/FollowRequest")
