"""The REST API (/api/v1/decisions/…): the same reads and the same services as the staff pages, answered as JSON."""

import ast
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real

from accountability.models import LedgerEvent
from catalog import forms as catalog_forms
from catalog.api import SuggestionRequestSerializer
from decisions import services
from decisions.execution_api import ExecutionIndicatorsRequestSerializer, ExecutionReportRequestSerializer
from decisions.forms import (
    AgendaItemRecordForm,
    MeetingSessionForm,
    ProblemReportAnswerForm,
    ProblemReportForm,
    ProblemReportHideForm,
)
from decisions.models import Decision
from decisions.procedure import State, StepKind
from decisions.registry import owned_kinds, transition_inputs
from demo.walkthrough import drive_to
from evaluation.forms import EvaluationReportForm
from participation.forms import PARTICIPATION_FORMS
from participation.hearing_forms import HEARING_FORMS
from tests.factories import enter_in_catalog, make_decision
from tests.factories import log_in_in_english as login

pytestmark = pytest.mark.usefixtures("english")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def transition(client, decision, name, data=None):
    return client.post(
        reverse("api:decision_transition", args=[decision.pk, name]), data or {}, content_type="application/json"
    )


# ---------------------------------------------------------------- the list


def test_list_filters_each_narrow_and_another_organization_is_never_listed(client, world):
    fares = make_decision(world, title="关于调整公交票价的决定", year=2026)
    cataloged = make_decision(world, title="关于优化道路运输的意见", year=2026)
    enter_in_catalog(world, cataloged)
    ecology = make_decision(world, drafter=world.drafter_b, title="生态补偿办法", summary="流域横向补偿", year=2025)
    foreign = make_decision(world, drafter=world.outsider, title="邻市公交票价调整", year=2026)
    url = reverse("api:decisions")
    login(client, world.gov)

    assert set(ids(client.get(url))) == {fares.pk, cataloged.pk, ecology.pk}
    assert ids(client.get(url, {"status": "cataloged"})) == [cataloged.pk]
    assert ids(client.get(url, {"unit": world.environment.pk})) == [ecology.pk]
    assert ids(client.get(url, {"year": 2025})) == [ecology.pk]
    assert ids(client.get(url, {"q": "流域"})) == [ecology.pk]  # the summary
    assert ids(client.get(url, {"q": fares.number})) == [fares.pk]  # the number
    assert ids(client.get(url, {"q": "公交票价"})) == [fares.pk]  # the title; the other city's is not listed
    assert set(ids(client.get(url, {"organ": world.city.pk}))) == {fares.pk, cataloged.pk, ecology.pk}
    # Another organ is not a choice at all: the same 400 whether or not the id exists (no probing of ids).
    for organ_id in (world.other_city.pk, 999_999):
        response = client.get(url, {"organ": organ_id})
        assert (response.status_code, response.json()["missing"]) == (400, ["organ"])
    assert ids(client.get(url, {"status": "proposed", "year": 2026})) == [fares.pk]

    login(client, world.drafter_b)  # a unit role sees its own unit's only
    assert ids(client.get(url)) == [ecology.pk]
    login(client, world.outsider)
    assert ids(client.get(url)) == [foreign.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "nonsense"}, "status"),
        ({"year": "abc"}, "year"),
        ({"year": 1900}, "year"),
        ({"unit": "999999"}, "unit"),
        ({"organ": "x"}, "organ"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_filter_values_are_400_in_the_api_and_a_form_error_on_the_page(client, world, params, field):
    make_decision(world)
    login(client, world.gov)
    response = client.get(reverse("api:decisions"), params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "input.invalid" and body["missing"] == [field] and body["errors"][field]
    if field != "organ":  # the page leaves the organ out (always the user's)
        page = client.get(reverse("manage:decisions"), params)
        assert page.status_code == 400
        assert page.context["filters"].errors[field]
        assert page.context["decisions"] == []


def test_a_unit_of_another_organ_is_not_a_choice(client, world):
    login(client, world.gov)
    response = client.get(reverse("api:decisions"), {"unit": world.other_dept.pk})
    assert response.status_code == 400 and response.json()["missing"] == ["unit"]


def test_list_rows_and_cursor_pagination(client, world):
    made = [make_decision(world, title=f"事项{number}") for number in range(5)]
    login(client, world.gov)
    first = client.get(reverse("api:decisions"), {"page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == [made[4].pk, made[3].pk]
    assert first["previous"] is None and first["next"]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [made[2].pk, made[1].pk]
    row = first["results"][0]
    assert row["number"] == made[4].number and row["title"] == "事项4" and row["year"] == 2026
    assert row["status"] == "proposed" and row["status_label"] == "Proposed"
    assert row["organ"] == {"id": world.city.pk, "name": world.city.name}
    assert row["undertaking_unit"] == {"id": world.transport.pk, "name": world.transport.name}
    assert row["flags"]["affects_public_interest"] is True and row["flags"]["is_confidential"] is False
    assert row["url"].endswith(reverse("api:decision", args=[made[4].pk]))
    assert "created_at" in row and "published_at" in row


# Session, user, the user's groups, the user's organization and its organ (what they may see), the organ's units
# for the unit filter's choices (one query per level of the tree below the organ: 2 here), then one query for the
# page of decisions with organ and unit joined (cursor pagination: no COUNT).
LIST_QUERIES = 8


@pytest.mark.parametrize("rows", [1, 10])
def test_list_query_count_is_the_same_for_1_and_10_rows(client, world, rows, django_assert_num_queries):
    for number in range(rows):
        make_decision(world, title=f"事项{number}")
    login(client, world.gov)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("api:decisions"))
    assert len(response.json()["results"]) == rows


# ---------------------------------------------------------------- one decision, its ledger, its transitions


def test_detail_has_the_current_steps(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    login(client, world.drafter)
    body = client.get(reverse("api:decision", args=[decision.pk])).json()
    assert body["id"] == decision.pk and body["status"] == "drafting" and body["summary"] == decision.summary
    steps = {step["kind"]: step for step in body["steps"]}
    assert list(steps) == [kind.value for kind in StepKind]
    participation = steps["public_participation"]
    assert participation["label"] == "Public participation" and participation["round"] == 1
    assert participation["requirement"] == "required" and participation["status"] == "open"
    assert set(participation) >= {"due_on", "due_is_provisional", "submitted_at", "submitted_by", "completed_by"}


def test_detail_of_another_organization_is_404(client, world, decision):
    login(client, world.outsider)
    response = client.get(reverse("api:decision", args=[decision.pk]))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    login(client, world.drafter_b)  # another unit of the same organ
    assert client.get(reverse("api:decision", args=[decision.pk])).status_code == 404


def test_ledger_is_for_those_who_may_read_it(client, world, decision):
    enter_in_catalog(world, decision)
    url = reverse("api:decision_ledger", args=[decision.pk])
    login(client, world.drafter)
    response = client.get(url)
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission.role",
        "message": "Your role does not allow this action.",
        "missing": [],
    }
    login(client, world.supervisor)
    body = client.get(url).json()
    # The decision's own ledger carries its catalog entry's acts too (added, approved by the legal office).
    assert [event["action"] for event in body["results"]] == [
        "decision.catalog",
        "catalog.entry_approved",
        "catalog.entry_added",
        "decision.created",
    ]
    assert body["results"][0]["action_label"] == "Enter in the annual catalog" and body["results"][0]["hash"]


def test_transitions_say_what_is_allowed_and_why_not(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    login(client, world.drafter)
    options = {o["name"]: o for o in client.get(reverse("api:decision_transitions", args=[decision.pk])).json()}
    assert set(options) == {"withdraw", "request_legality_review"}
    review = options["request_legality_review"]
    assert review["allowed"] is False and review["code"] == "rule1.steps_not_done"
    assert review["message"].startswith("Rule 1: legality review can be requested only when")
    assert "public_participation" in review["missing"] and "legal_basis" in review["inputs"]
    assert options["withdraw"]["code"] == "permission.role"
    login(client, world.gov)
    options = {o["name"]: o for o in client.get(reverse("api:decision_transitions", args=[decision.pk])).json()}
    # The government office may withdraw, but not this way: the catalog lists the decision (Art. 3).
    assert options["withdraw"]["allowed"] is False
    assert options["withdraw"]["code"] == "catalog.withdraw_through_adjustment"
    assert options["withdraw"]["message"].startswith("Decree 713 Art. 3: an entry of the annual catalog lists")
    assert options["withdraw"]["url"].endswith(reverse("api:decision_transition", args=[decision.pk, "withdraw"]))


# ---------------------------------------------------------------- making a transition


def test_post_makes_the_transition_through_the_service(client, world, decision):
    login(client, world.gov)
    response = transition(client, decision, "withdraw", {"reason": "情况变化"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn" and response.json()["steps"]
    assert Decision.objects.get(pk=decision.pk).status == State.WITHDRAWN
    event = LedgerEvent.objects.filter(decision_id=decision.pk).latest("id")
    assert event.action == "decision.withdraw" and event.actor == world.gov and event.reason == "情况变化"


def test_a_decision_enters_the_catalog_only_by_its_publication(client, world, decision):
    login(client, world.gov)
    events = LedgerEvent.objects.count()
    response = transition(client, decision, "catalog")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "catalog.through_publication"
    assert body["message"].startswith("Decree 713 Art. 3: a decision enters the annual catalog only when the organ")
    assert Decision.objects.get(pk=decision.pk).status == State.PROPOSED and LedgerEvent.objects.count() == events
    option = {o["name"]: o for o in client.get(reverse("api:decision_transitions", args=[decision.pk])).json()}
    assert option["catalog"]["allowed"] is False and option["catalog"]["code"] == "catalog.through_publication"


def test_a_rule_refusal_is_409_and_changes_nothing(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    login(client, world.drafter)
    events = LedgerEvent.objects.count()
    response = transition(client, decision, "request_legality_review", {"legal_basis": "x", "procedure_statement": "y"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "rule1.steps_not_done"
    assert body["message"].startswith("Rule 1: legality review can be requested only when")
    assert "public_participation" in body["missing"] and "party_report" not in body["missing"]
    assert Decision.objects.get(pk=decision.pk).status == State.DRAFTING
    assert LedgerEvent.objects.count() == events


def test_a_transition_from_the_wrong_state_is_409(client, world, decision):
    login(client, world.gov)
    response = transition(client, decision, "publish", {"channels": "网站", "published_on": "2026-01-01"})
    assert response.status_code == 409 and response.json()["code"] == "procedure.wrong_state"


def test_a_bad_input_is_400_whether_the_form_or_the_service_refuses_it(client, world, decision):
    login(client, world.gov)
    events = LedgerEvent.objects.count()
    response = transition(client, decision, "withdraw", {"reason": "  "})  # the service: a reason is needed
    assert response.status_code == 400
    assert response.json() == {
        "code": "procedure.reason_required",
        "message": "Withdrawing a decision needs a reason.",
        "missing": ["reason"],
    }
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    login(client, world.legal_reviewer)
    events = LedgerEvent.objects.count()
    response = transition(client, decision, "give_legality_opinion", {"opinion": "splendid", "opinion_text": "x"})
    assert response.status_code == 400  # the form: not one of the opinions
    body = response.json()
    assert body["code"] == "input.invalid" and body["missing"] == ["opinion"] and body["errors"]["opinion"]
    assert Decision.objects.get(pk=decision.pk).status == State.LEGALITY_REVIEW
    assert LedgerEvent.objects.count() == events


def test_a_role_without_permission_is_403(client, world, decision):
    login(client, world.drafter)
    response = transition(client, decision, "catalog")
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission.role",
        "message": "Your role does not allow this action.",
        "missing": [],
    }
    assert Decision.objects.get(pk=decision.pk).status == State.PROPOSED


def test_another_organizations_decision_and_an_unknown_transition_are_404(client, world, decision):
    login(client, world.outsider)
    assert transition(client, decision, "withdraw", {"reason": "x"}).status_code == 404
    login(client, world.gov)
    response = transition(client, decision, "teleport")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Decision.objects.get(pk=decision.pk).status == State.PROPOSED


def test_csrf_is_enforced_for_the_browser_session(world, decision):
    browser = login(Client(enforce_csrf_checks=True), world.gov)
    url = reverse("api:decision_transition", args=[decision.pk, "withdraw"])
    response = browser.post(url, {"reason": "x"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "permission.csrf"
    assert Decision.objects.get(pk=decision.pk).status == State.PROPOSED
    browser.get(reverse("manage:transition", args=[decision.pk, "withdraw"]))  # a page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, {"reason": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert Decision.objects.get(pk=decision.pk).status == State.WITHDRAWN


def test_anonymous_is_refused_everywhere(client, decision):
    for url in (
        reverse("api:decisions"),
        reverse("api:decision", args=[decision.pk]),
        reverse("api:decision_ledger", args=[decision.pk]),
        reverse("api:decision_transitions", args=[decision.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403 and response.json()["code"] == "permission.login"
    assert transition(client, decision, "catalog").status_code == 403


PROBLEM_REPORT_FORMS = (ProblemReportForm, ProblemReportAnswerForm, ProblemReportHideForm)
CATALOG_FORMS = (
    catalog_forms.CatalogForm,
    catalog_forms.NewEntryForm,
    catalog_forms.ReasonForm,
    catalog_forms.ReviewForm,
    catalog_forms.ApprovalForm,
    catalog_forms.WindowForm,
    catalog_forms.AnswerForm,
)


def test_every_input_error_a_service_raises_names_fields_of_a_transition_form():
    """The services mark a refusal of a value sent with `fields=(…)`; each must be a field someone can send."""
    fields = {name for entry in transition_inputs().values() for name in entry.form_class.base_fields}
    fields |= {
        name for owner in owned_kinds().values() if owner.form_class for name in owner.form_class.base_fields
    }  # the steps' records the unit fills in
    fields |= {"members"}  # the meeting's formset of members' views
    fields |= {name for form in CATALOG_FORMS for name in form.base_fields}  # the catalog's pages and its API
    fields |= set(SuggestionRequestSerializer().fields)
    fields |= {name for form in PARTICIPATION_FORMS for name in form.base_fields}  # consultations, opinions
    fields |= {name for form in HEARING_FORMS for name in form.base_fields}  # hearings
    fields |= {name for form in (MeetingSessionForm, AgendaItemRecordForm) for name in form.base_fields}  # meetings
    fields |= {*ExecutionReportRequestSerializer().fields, *ExecutionIndicatorsRequestSerializer().fields}  # execution
    fields |= set(EvaluationReportForm.base_fields)  # the evaluation body's report (its page and the API)
    fields |= {name for form in PROBLEM_REPORT_FORMS for name in form.base_fields}  # the public's problem reports
    named = []
    root = Path(services.__file__).parents[2]
    step_apps = [root / "participation" / "hearings.py", root / "participation" / "feedback.py"]
    for path in [*root.glob("*/services/*.py"), *root.glob("*/services.py"), *root.glob("*/steps.py"), *step_apps]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "fields" and isinstance(node.value, ast.Tuple):
                names = {element.value for element in node.value.elts if isinstance(element, ast.Constant)}
                named.append((path.name, node.lineno, names))
    assert len(named) > 35
    for file, line, names in named:
        assert names <= fields, f"{file}:{line} names {names - fields}"


def test_a_staged_evaluation_without_its_stage_is_bad_input_and_a_missed_quorum_is_a_rule(client, world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    login(client, world.gov)
    data = {"evaluator_org": world.evaluator_body.pk, "staged": True, "stage_reason": ""}
    response = transition(client, decision, "start_evaluation", data)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["missing"]) == ("rule6.stage_reason", ["stage_reason"])
    other = make_decision(world, title="另一事项")
    drive_to(other, State.AWAITING_DISCUSSION, world.cast)
    data = {
        "meeting_name": "常务会议",
        "meeting_date": timezone.localdate().isoformat(),
        "members": [{"name": "甲", "view": "agree"}, {"name": "乙", "view": "agree", "remarks": "同意。"}],
        "members_total": 9,
        "head_name": "市长",
        "head_statement": "同意。",
        "outcome": "adopted",
    }
    response = transition(client, other, "record_collective_decision", data)
    assert (response.status_code, response.json()["code"]) == (409, "rule4.quorum")
    assert Decision.objects.get(pk=other.pk).status == State.AWAITING_DISCUSSION


# ---------------------------------------------------------------- schema and docs


def test_schema_is_openapi_3_with_the_error_body(client, world):
    response = client.get(reverse("api-schema"), {"format": "json"})  # anonymous: open-data users read it too
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.") and schema["info"]["title"] == "Juece API"
    assert "/api/v1/decisions/{id}/transitions/{name}/" in schema["paths"]
    post = schema["paths"]["/api/v1/decisions/{id}/transitions/{name}/"]["post"]
    assert set(post["responses"]) == {"200", "400", "403", "404", "409"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"code", "message", "missing", "errors"}


def test_the_schema_is_the_same_for_anyone_and_a_junk_language_is_not_activated(client, world):
    anonymous = client.get(reverse("api-schema"), {"format": "json", "lang": "en"}).json()
    assert "/api/v1/open/decisions/" in anonymous["paths"] and "/api/v1/decisions/" in anonymous["paths"]
    assert "/api/schema/" not in anonymous["paths"]
    login(client, world.gov)
    assert client.get(reverse("api-schema"), {"format": "json", "lang": "en"}).json() == anonymous
    junk = "xx-junk-4711"
    response = client.get(reverse("api-schema"), {"format": "json", "lang": junk})
    assert response.status_code == 200 and response.json() == anonymous  # the request's language (English) instead
    assert junk not in trans_real._translations


def test_docs_are_served_from_local_static_files_under_the_csp(client, world):
    response = client.get(reverse("api-docs"))  # anonymous
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page  # no CDN
    assert "<style" not in page and "<script>" not in page  # no inline style or script: every script has a src
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")  # collected with the rest
