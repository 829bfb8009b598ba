"""Problem reports on the pages: the portal's form on a published decision (honeypot, rate limit, refusals at the
form, nothing stored), its receipt and lookup pages, the public numbers (never a report's content or contact); the
staff page (masked contacts, filters, answer and hide, 50 a page, a constant number of queries) and the decision
page's line with the evaluation trigger (Art. 36)."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import ExecutionProblemReport, ProcedureProfile
from decisions.procedure import State
from demo.walkthrough import drive_to
from evaluation import services as evaluations
from tests.factories import enter_in_catalog, log_in_in_english, make_decision

pytestmark = pytest.mark.django_db

CONTENT = "小区垃圾分类收运车辆连续三天未按时到达，厨余垃圾堆放在路边。"


@pytest.fixture
def citizen():
    """An anonymous visitor reading the pages in English, whose forms are checked for CSRF as a browser's."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def executed(world):
    return drive_to(make_decision(world, title="关于实施垃圾分类的决定"), State.IN_EXECUTION, world.cast)


def page_url(decision):
    return reverse("portal:decision", args=[decision.pk])


def post_report(client, decision, **values):
    """The browser's way: the decision's page first (its CSRF cookie), then the form with the token."""
    client.get(page_url(decision))
    data = {"name": "李先生", "contact": "13712345678", "content": CONTENT, "place": "幸福小区东门"} | values
    url = reverse("portal:report_problem", args=[decision.pk])
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def receive(decision, contact="13712345678"):
    return services.receive_problem_report(decision, "李先生", contact, CONTENT, "幸福小区东门")


def stored():
    return (ExecutionProblemReport.objects.count(), LedgerEvent.objects.count())


# ---------------------------------------------------------------- the portal


def test_the_decision_page_offers_the_form_and_shows_only_the_public_numbers(citizen, world, executed):
    answered = receive(executed, contact="secret@example.cn")
    services.answer_problem_report(answered, world.gov, "已督促收运企业按时收运。")
    receive(executed, contact="13700000000")
    hidden = receive(executed, contact="13700000001")
    services.hide_problem_report(hidden, world.gov, "广告。")
    response = citizen.get(page_url(executed))
    page = response.content.decode()
    assert "Report a problem in the execution" in page
    assert "2 problems reported by the public, 1 answered." in page
    assert reverse("portal:report_problem", args=[executed.pk]) in page
    assert 'name="website"' in page  # the honeypot
    for personal in ("secret@example.cn", "13700000000", "李先生", CONTENT, "幸福小区东门", "已督促", "广告。"):
        assert personal not in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_report_gives_a_receipt_page_and_the_lookup_shows_the_answer(citizen, world, executed):
    response = post_report(citizen, executed)
    assert response.status_code == 200, response.content.decode()
    report = ExecutionProblemReport.objects.get()
    page = response.content.decode()
    assert "Report received" in page and report.receipt_number in page
    assert (report.name, report.contact, report.place) == ("李先生", "13712345678", "幸福小区东门")
    lookup = reverse("portal:problem_report_lookup")
    citizen.get(lookup)
    token = citizen.cookies["csrftoken"].value
    data = {"receipt": report.receipt_number, "contact": "137 1234 5678", "csrfmiddlewaretoken": token}
    page = citizen.post(lookup, data).content.decode()
    assert "Not answered yet." in page and CONTENT in page
    services.answer_problem_report(report, world.head, "已约谈收运企业，自下周起每日定时收运。")
    response = citizen.post(lookup, data)
    assert response.status_code == 200 and "已约谈收运企业" in response.content.decode()
    wrong = citizen.post(lookup, data | {"contact": "13900000000"})
    assert wrong.status_code == 404 and "No report has this receipt number and contact." in wrong.content.decode()
    assert CONTENT not in wrong.content.decode()


@pytest.mark.parametrize(
    ("values", "field_message"),
    [
        ({"contact": "not a contact"}, "Give a telephone number or an e-mail address"),
        ({"content": "太短"}, "A report has 5 to 5000 characters; this one has 2."),
        ({"contact": ""}, "This field is required."),
    ],
)
def test_bad_input_is_shown_at_the_form_and_stores_nothing(citizen, executed, values, field_message):
    before = stored()
    response = post_report(citizen, executed, **values)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert stored() == before


def test_the_honeypot_refuses_a_robot_and_stores_nothing(citizen, executed):
    before = stored()
    response = post_report(citizen, executed, website="http://spam.example")
    assert response.status_code == 400
    assert "a field that must stay empty was filled in" in response.content.decode()
    assert stored() == before


def test_over_the_rate_limit_is_429_with_retry_after_and_stores_nothing(citizen, executed, settings):
    settings.PROBLEM_REPORT_RATE_PER_ADDRESS = 2
    for n in range(2):
        assert post_report(citizen, executed, contact=f"1370000000{n}").status_code == 200
    before = stored()
    response = post_report(citizen, executed, contact="13700000009")
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "Too many reports; try again in an hour." in response.content.decode()
    assert stored() == before


def test_an_unpublished_or_confidential_decision_has_no_form_and_refuses_reports(citizen, world):
    drafting = make_decision(world, title="提议中")
    secret = make_decision(world, title="保密决定", is_confidential=True, confidential_reason="涉及国家秘密。")
    secret = drive_to(secret, State.IN_EXECUTION, world.cast)
    listed = enter_in_catalog(world, make_decision(world, title="列入目录"))  # its progress is public, not reports
    before = stored()
    page = citizen.get(page_url(listed)).content.decode()
    assert page and "Report a problem in the execution" not in page
    token = citizen.cookies["csrftoken"].value
    url = reverse("portal:report_problem", args=[listed.pk])
    response = citizen.post(url, {"contact": "13700000000", "content": CONTENT, "csrfmiddlewaretoken": token})
    assert response.status_code == 404
    for decision in (drafting, secret):
        assert citizen.get(page_url(decision)).status_code == 404
        url = reverse("portal:report_problem", args=[decision.pk])
        citizen.get(reverse("portal:problem_report_lookup"))  # a page with a form: the CSRF cookie
        token = citizen.cookies["csrftoken"].value
        response = citizen.post(url, {"contact": "13700000000", "content": CONTENT, "csrfmiddlewaretoken": token})
        assert response.status_code == 404
    assert stored() == before


# ---------------------------------------------------------------- the staff


def staff_page(client, decision, query=""):
    return client.get(reverse("manage:problem_reports", args=[decision.pk]) + query)


def test_the_staff_page_lists_reports_with_masked_contacts_and_filters(client, world, executed):
    first = receive(executed, contact="13712345678")
    second = receive(executed, contact="citizen@example.cn")
    services.answer_problem_report(second, world.gov, "已处理。")
    log_in_in_english(client, world.drafter)
    page = staff_page(client, executed).content.decode()
    assert "137****5678" in page and "c***@example.cn" in page
    assert "13712345678" not in page and "citizen@example.cn" not in page
    assert first.receipt_number in page and second.receipt_number in page
    received = staff_page(client, executed, "?status=received").content.decode()
    assert first.receipt_number in received and second.receipt_number not in received
    answered = staff_page(client, executed, "?status=answered").content.decode()
    assert second.receipt_number in answered and first.receipt_number not in answered


def test_the_staff_answer_hide_and_reveal_through_the_page(client, world, executed):
    report, spam = receive(executed), receive(executed, contact="13700000001")
    log_in_in_english(client, world.head)
    response = client.post(reverse("manage:problem_report_answer", args=[report.pk]), {"answer": "已督促整改。"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.answer) == ("answered", "已督促整改。")
    response = client.post(reverse("manage:problem_report_hide", args=[spam.pk]), {"reason": ""})
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Say why the report is hidden" in m for m in messages)
    spam.refresh_from_db()
    assert spam.status == "received"
    client.post(reverse("manage:problem_report_hide", args=[spam.pk]), {"reason": "广告。"})
    spam.refresh_from_db()
    assert spam.status == "hidden"
    response = client.post(reverse("manage:problem_report_contact", args=[report.pk]))
    assert response.status_code == 200 and "13712345678" in response.content.decode()
    assert LedgerEvent.objects.filter(action="problem_report.contact_revealed").count() == 1
    # An answered report stays and keeps counting: hiding it is refused (the message on the page), nothing changes.
    response = client.post(reverse("manage:problem_report_hide", args=[report.pk]), {"reason": "重复。"})
    assert any("it stays, and it is counted" in str(m) for m in get_messages(response.wsgi_request))
    report.refresh_from_db()
    assert report.status == "answered"


def test_others_may_read_but_not_answer(client, world, executed):
    report = receive(executed)
    log_in_in_english(client, world.supervisor)
    page = staff_page(client, executed).content.decode()
    assert report.receipt_number in page and "Record the answer" not in page
    response = client.post(reverse("manage:problem_report_answer", args=[report.pk]), {"answer": "答复。"})
    assert response.status_code == 403
    assert client.post(reverse("manage:problem_report_contact", args=[report.pk])).status_code == 403
    # The decision's evaluator sees the decision but not what citizens wrote.
    evaluations.start_evaluation(
        decision=executed,
        actor=world.gov,
        evaluator_org=world.evaluator_body,
        trigger="citizen_reports",
        staged=True,
        stage_reason="第一阶段",
    )
    log_in_in_english(client, world.evaluator)
    response = staff_page(client, executed)
    assert response.status_code == 403 and report.receipt_number not in response.content.decode()
    log_in_in_english(client, world.outsider)
    assert staff_page(client, executed).status_code == 404
    response = client.post(reverse("manage:problem_report_answer", args=[report.pk]), {"answer": "答复。"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == "received"


def test_the_staff_page_reads_a_constant_number_of_queries_fifty_a_page(
    client, world, executed, django_assert_max_num_queries, settings
):
    settings.PROBLEM_REPORT_RATE_PER_ADDRESS = 100
    for n in range(3):
        receive(executed, contact=f"1370000000{n}")
    log_in_in_english(client, world.gov)
    with django_assert_max_num_queries(40) as few:
        assert staff_page(client, executed).status_code == 200
    for n in range(60):
        services.answer_problem_report(receive(executed, contact=f"136000000{n:02d}"), world.gov, "已处理。")
    with django_assert_max_num_queries(40) as many:
        page = staff_page(client, executed).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.count('<tr id="report-') == 50 and "Page 1 of 2" in page


def test_the_decision_page_counts_reports_and_warns_at_the_threshold(client, world, executed):
    ProcedureProfile.objects.update_or_create(organ=world.city, defaults={"problem_reports_for_evaluation": 2})
    log_in_in_english(client, world.gov)
    services.answer_problem_report(receive(executed), world.gov, "已处理。")
    page = client.get(reverse("manage:decision", args=[executed.pk])).content.decode()
    assert "Problems reported by the public: 1 (answered 1)" in page
    assert "An evaluation trigger is reached" not in page
    receive(executed, contact="13700000002")
    page = client.get(reverse("manage:decision", args=[executed.pk])).content.decode()
    assert "Problems reported by the public: 2 (answered 1)" in page
    assert "An evaluation trigger is reached (Decree 713 Art. 36): 2 or more reports from the public." in page


def test_lookups_are_limited_per_address(citizen, executed, settings):
    settings.PROBLEM_REPORT_LOOKUPS_PER_ADDRESS = 2
    lookup = reverse("portal:problem_report_lookup")
    citizen.get(lookup)  # the form's page: the CSRF cookie
    asked = {
        "receipt": "WT-2026-AAAAAAAA",
        "contact": "13800000000",
        "csrfmiddlewaretoken": citizen.cookies["csrftoken"].value,
    }
    for _ in range(2):
        assert citizen.post(lookup, asked).status_code == 404
    response = citizen.post(lookup, asked)
    assert response.status_code == 429 and "Too many lookups" in response.content.decode()
