"""Problem reports on the API: anyone reports (201 with a receipt; 400 naming the fields; 404 not public; 409 not in
force; 429 over the rate limit) and looks the answer up; the organ's staff list the reports (contacts masked) and
answer them (403 for others, 404 for another organization's)."""

import pytest
from django.test import Client
from django.urls import reverse

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import ExecutionProblemReport
from decisions.procedure import State
from demo.walkthrough import drive_to
from tests.factories import make_decision

pytestmark = pytest.mark.django_db

CONTENT = "新开通的社区巴士未在公示站点停靠，老人候车时间过长。"


@pytest.fixture
def api():
    """An anonymous program, answered in English; CSRF is checked as for a browser (and not needed here)."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def staff():
    def log_in(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["django_language"] = "en"
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def executed(world):
    return drive_to(make_decision(world, title="关于优化公交线网的决定"), State.IN_EXECUTION, world.cast)


def url(decision):
    return reverse("api:decision_problem_reports", args=[decision.pk])


def report_on(client, decision, **values):
    data = {"name": "赵阿姨", "contact": "13612345678", "content": CONTENT, "place": "光明路口"} | values
    return client.post(url(decision), data, content_type="application/json")


def stored():
    return (ExecutionProblemReport.objects.count(), LedgerEvent.objects.count())


def test_the_routes_are_the_documented_ones(executed):
    assert url(executed) == f"/api/v1/decisions/{executed.pk}/problem-reports/"
    assert reverse("api:problem_report_lookup") == "/api/v1/problem-reports/lookup/"
    assert reverse("api:problem_report_answer", args=[7]) == "/api/v1/problem-reports/7/answer/"


def test_anyone_reports_and_reads_the_answer_by_receipt_and_contact(api, world, executed):
    response = report_on(api, executed)
    assert response.status_code == 201, response.content
    number = response.json()["receipt_number"]
    assert number.startswith("WT-") and set(response.json()) == {"receipt_number"}
    lookup = reverse("api:problem_report_lookup")
    body = api.post(lookup, {"receipt": number, "contact": "136-1234-5678"}, content_type="application/json").json()
    assert (body["status"], body["content"], body["answer"], body["decision"]) == ("received", CONTENT, "", executed.pk)
    assert "contact" not in body and "name" not in body
    services.answer_problem_report(ExecutionProblemReport.objects.get(), world.gov, "已要求运营企业按站停靠。")
    response = api.post(lookup, {"receipt": number, "contact": "13612345678"}, content_type="application/json")
    assert response.json()["answer"] == "已要求运营企业按站停靠。" and "no-store" in response["Cache-Control"]
    wrong = api.post(lookup, {"receipt": number, "contact": "13900000000"}, content_type="application/json")
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
    missing = api.post(lookup, {"receipt": number}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["missing"] == ["contact"]
    assert api.get(lookup, {"receipt": number, "contact": "13612345678"}).status_code == 405  # never in a URL


def test_a_logged_in_browser_reports_as_anyone_without_csrf(staff, world, executed):
    response = report_on(staff(world.drafter), executed)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("values", "code", "missing"),
    [
        ({"contact": ""}, "input.invalid", ["contact"]),
        ({"content": ""}, "input.invalid", ["content"]),
        ({"contact": "nobody"}, "problem_report.contact", ["contact"]),
        ({"content": "太短"}, "problem_report.content_length", ["content"]),
        ({"content": 42}, "input.invalid", ["content"]),
    ],
)
def test_bad_input_is_400_naming_the_fields_and_stores_nothing(api, executed, values, code, missing):
    before = stored()
    response = report_on(api, executed, **values)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["missing"]) == (code, missing)
    assert stored() == before


def test_a_decision_not_public_is_404(api, world):
    drafting = make_decision(world, title="提议中")
    secret = make_decision(world, title="保密决定", is_confidential=True, confidential_reason="涉及国家秘密。")
    secret = drive_to(secret, State.IN_EXECUTION, world.cast)
    before = stored()
    for decision in (drafting, secret):
        response = report_on(api, decision)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert stored() == before


def test_over_the_rate_limit_is_429_with_retry_after(api, executed, settings):
    settings.PROBLEM_REPORT_RATE_PER_CONTACT = 1
    assert report_on(api, executed).status_code == 201
    before = stored()
    response = report_on(api, executed)
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert response.json()["code"] == "problem_report.rate_limited"
    assert stored() == before


def test_the_staff_list_masks_contacts_and_others_get_403_or_404(api, staff, world, executed):
    report_on(api, executed)
    response = staff(world.head).get(url(executed))
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["contact"] == "136****5678" and row["content"] == CONTENT
    assert "13612345678" not in response.content.decode()
    assert api.get(url(executed)).status_code == 403
    assert staff(world.outsider).get(url(executed)).status_code == 404


def test_the_staff_answer_and_its_refusals(api, staff, world, executed):
    report_on(api, executed)
    report = ExecutionProblemReport.objects.get()
    answer_url = reverse("api:problem_report_answer", args=[report.pk])
    before = stored()
    response = staff(world.supervisor).post(answer_url, {"answer": "答复。"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "permission.role"
    response = staff(world.outsider).post(answer_url, {"answer": "答复。"}, content_type="application/json")
    assert response.status_code == 404
    response = staff(world.gov).post(answer_url, {"answer": ""}, content_type="application/json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["missing"]) == ("problem_report.answer", ["answer"])
    assert response.json()["message"] == "Write the answer to the report."
    assert stored() == before
    response = staff(world.gov).post(answer_url, {"answer": "已处理。"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "answered"
    assert response.json()["contact"] == "136****5678"
    again = staff(world.gov).post(answer_url, {"answer": "再答。"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "problem_report.not_received"
