"""Hold under bad input: NUL characters, overlong usernames, absurd page numbers and cursors, years and dates out of
any range. Each is a 400/404 or a form error — never a 500 — and changes nothing (PostgreSQL refuses NUL in text and
bounds its integers, so the PostgreSQL run of the suite is where a miss would show as a 500)."""

import base64
import json
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from decisions import services
from decisions.models import Decision
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, meeting_members, step_details, submit_unit_step
from review import services as legality
from tests.factories import log_in_in_english as login
from tests.factories import make_decision
from tests.refusals import refused, snapshot

pytestmark = pytest.mark.usefixtures("english")

NUL = "a\x00b"


def browser(user) -> Client:
    """A logged-in client that answers a server error as a 500 response instead of raising it."""
    return login(Client(raise_request_exception=False), user)


# ---------------------------------------------------------------- NUL characters: pages


def test_nul_in_a_step_action_is_a_form_error_and_changes_nothing(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, StepKind.PARTY_REPORT, world.drafter)
    cases = [
        (world.head, "approve", {"comment": NUL}),
        (world.head, "return", {"comment": NUL}),
        (world.drafter, "propose_not_applicable", {"reason": NUL}),
        (world.drafter, "reopen", {"reason": NUL}),
        (world.legal_reviewer, "confirm_not_applicable", {"comment": NUL}),
        (world.legal_reviewer, "refuse_not_applicable", {"comment": NUL}),
    ]
    for user, action, data in cases:
        before = snapshot(decision)
        response = browser(user).post(reverse("manage:step_action", args=[step.pk, action]), data)
        assert response.status_code == 400, action
        form = response.context["comment_form" if "comment" in data else "reason_form"]
        assert "Null characters are not allowed." in str(form.errors), action
        assert snapshot(decision) == before, action


def test_nul_in_the_confidentiality_answer_and_the_execution_report_is_400(world):
    claimed = make_decision(world, is_confidential=True, confidential_reason="涉及国家秘密。")
    before = snapshot(claimed)
    response = browser(world.legal_reviewer).post(
        reverse("manage:confidentiality", args=[claimed.pk]), {"decision": "refuse", "comment": NUL}
    )
    assert response.status_code == 400 and snapshot(claimed) == before
    response = browser(world.legal_reviewer).post(
        reverse("manage:confidentiality", args=[claimed.pk]), {"decision": "maybe"}
    )
    assert response.status_code == 400 and snapshot(claimed) == before

    executed = make_decision(world, title="执行中的决策")
    drive_to(executed, State.IN_EXECUTION, world.cast)
    before = snapshot(executed)
    response = browser(world.drafter).post(
        reverse("manage:execution_report_progress", args=[executed.pk]), {"period": "2026年第三季度", "progress": NUL}
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in str(response.context["report_form"].errors)
    assert snapshot(executed) == before


def test_nul_in_the_decision_form_and_a_filter_is_a_form_error(world, decision):
    client = browser(world.drafter)
    count = Decision.objects.count()
    data = {"title": NUL, "summary": "x", "year": 2026, "scope_category": "public_policy"}
    response = client.post(reverse("manage:decision_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert Decision.objects.count() == count
    response = client.post(reverse("manage:decision_edit", args=[decision.pk]), data | {"title": "t", "summary": NUL})
    assert response.status_code == 200 and response.context["form"].errors["summary"]
    assert client.get(reverse("manage:decisions"), {"q": NUL}).status_code == 400


# ---------------------------------------------------------------- NUL characters: services called directly


def test_services_refuse_nul_whoever_calls_them(world, decision):
    with refused("input.null_character", None):
        make_decision(world, title=NUL)
    with refused("input.null_character", decision):
        services.update_decision(decision=decision, actor=world.drafter, confidential_reason=NUL)
    with refused("input.null_character", decision):
        services.withdraw_decision(decision=decision, actor=world.gov, reason=NUL)
    with refused("input.invalid_text", decision):  # a lone surrogate: no database driver encodes it
        services.withdraw_decision(decision=decision, actor=world.gov, reason="\ud800")
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, StepKind.PARTY_REPORT, world.drafter)
    with refused("input.null_character", decision):
        services.approve_step(step=step, actor=world.head, comment=NUL)
    with refused("input.null_character", decision):
        services.return_step(step=step, actor=world.head, comment=NUL)
    consultation = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    details = step_details(StepKind.PUBLIC_PARTICIPATION, timezone.localdate()) | {"channels": NUL}
    with refused("step.field_invalid", decision) as caught:  # the record's form refuses it (and so the service)
        services.update_step_details(step=consultation, actor=world.drafter, details=details)
    assert caught.value.fields == ("channels",)


def test_services_refuse_nul_in_the_meeting_and_the_legality_opinion(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    with refused("input.null_character", decision) as caught:
        legality.give_legality_opinion(
            decision=decision, actor=world.legal_reviewer, opinion="lawful", opinion_text="合法。", legal_risk=NUL
        )
    assert caught.value.fields == ("legal_risk",)
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    meeting = {
        "decision": decision,
        "actor": world.gov,
        "meeting_name": "常务会议",
        "meeting_date": timezone.localdate(),
        "members_total": 5,
        "head_name": "市长",
        "head_statement": "同意。",
        "outcome": "adopted",
    }
    members = meeting_members()
    members[0] = members[0] | {"remarks": NUL}
    with refused("input.null_character", decision) as caught:
        services.record_collective_decision(**meeting, members=members)
    assert caught.value.fields == ("members",)
    with refused("input.null_character", decision):
        services.record_collective_decision(**meeting, members=meeting_members(), head_departure_reason=NUL)


# ---------------------------------------------------------------- NUL and malformed JSON: the API


def post_json(client, decision, name, body):
    url = reverse("api:decision_transition", args=[decision.pk, name])
    return client.post(url, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def test_api_refuses_nul_and_bodies_that_are_not_objects_with_400(world, decision):
    client = browser(world.gov)
    before = snapshot(decision)
    raw = '{"reason": "withdrawn\\u0000"}'  # the JSON escape, as a client would send it
    response = post_json(client, decision, "withdraw", raw)
    assert response.status_code == 400
    assert response.json()["code"] == "input.invalid" and response.json()["missing"] == ["reason"]
    response = post_json(client, decision, "withdraw", '{"reason": "\\ud800 lone surrogate"}')
    assert response.status_code == 400 and response.json()["missing"] == ["reason"]
    for body in ("[1, 2]", '"text"', "42", "null", "{", '{"reason": NaN}'):
        response = post_json(client, decision, "withdraw", body)
        assert response.status_code == 400, body
        assert response.json()["code"] in ("input.invalid", "input.malformed"), body
    assert snapshot(decision) == before


def test_drf_char_fields_refuse_nul_too():
    """The API's inputs go through the pages' Django forms; DRF's own CharField (any future serializer input) refuses
    NUL by itself as well."""
    with pytest.raises(serializers.ValidationError) as caught:
        serializers.CharField().run_validation(NUL)
    assert caught.value.detail[0].code == "null_characters_not_allowed"


def test_api_refuses_values_of_the_wrong_shape_with_400(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    client = browser(world.gov)
    before = snapshot(decision)
    good = {
        "meeting_name": "常务会议",
        "meeting_date": timezone.localdate().isoformat(),
        "members": meeting_members(),
        "members_total": 5,
        "head_name": "市长",
        "head_statement": "同意。",
        "outcome": "adopted",
    }
    for field, value in [
        ("meeting_date", 20260101),
        ("meeting_date", ["2026-01-01"]),
        ("meeting_date", {"year": 2026}),
        ("meeting_date", "1999-12-31"),
        ("meeting_date", "0001-01-01"),
        ("members_total", 10**30),
        ("members_total", True),
        ("head_name", {"name": "市长"}),
        ("members", "市长"),
        ("members", [1, 2, 3]),
        ("members", [{"name": NUL, "view": "agree"}]),
    ]:
        response = post_json(client, decision, "record_collective_decision", good | {field: value})
        assert response.status_code == 400, (field, value, response.content)
        assert snapshot(decision) == before
    response = post_json(client, decision, "record_collective_decision", good | {"meeting_date": "1999-12-31"})
    assert "between 2000-01-01 and" in response.json()["errors"]["meeting_date"][0]


# ---------------------------------------------------------------- login


def test_an_overlong_or_nul_username_is_a_form_error_never_a_lockout_row(world):
    client = Client(raise_request_exception=False)
    for username in ("x" * 300, "x" * 151, "dr\x00after"):
        response = client.post(reverse("login"), {"username": username, "password": "wrong"})
        assert response.status_code == 200, username
        assert response.context["form"].errors["username"], username
        assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.count() == 0  # refused before authentication: nothing for the lockout to record
    assert 'maxlength="150"' in client.get(reverse("login")).content.decode()


# ---------------------------------------------------------------- page numbers and cursors


@pytest.mark.parametrize("page", ["99999999999999999999999", "10001", "0", "-1", "abc", "1e3", "٣", "9" * 5000])
def test_a_page_number_beyond_any_range_is_404(world, decision, page):
    assert browser(world.gov).get(reverse("manage:decisions"), {"page": page}).status_code == 404


def test_the_last_page_anyone_pages_to_is_empty_not_an_error(world, decision):
    response = browser(world.gov).get(reverse("manage:decisions"), {"page": "10000"})
    assert response.status_code == 200 and response.context["decisions"] == []


def cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize(
    "value",
    [
        "garbage!!",
        cursor("p=abc"),
        cursor("p=99999999999999999999999"),
        cursor("p=-1"),
        cursor("p=1\x00"),
        cursor("r=x"),
        cursor("o=abc"),
        "%00",
    ],
)
def test_a_garbage_api_cursor_is_404(world, decision, value):
    for name, args in (("api:decisions", []), ("api:decision_ledger", [decision.pk])):
        response = browser(world.supervisor).get(reverse(name, args=args), {"cursor": value})
        assert response.status_code == 404, (name, value, response.content)
        assert response.json()["code"] == "not_found"


def test_a_cursor_with_a_large_offset_and_page_size_is_bounded(world, decision):
    client = browser(world.gov)
    response = client.get(reverse("api:decisions"), {"cursor": cursor("o=99999999999&p=5"), "page_size": 10**30})
    assert response.status_code == 200


# ---------------------------------------------------------------- years and dates


@pytest.mark.parametrize("year", [1, 1999, timezone.localdate().year + 6, 32767, 32768])
def test_a_catalog_year_out_of_range_is_refused_by_the_service_and_the_form(world, year):
    with refused("input.year_range", None, says=("2000", str(timezone.localdate().year + 5))) as caught:
        make_decision(world, year=year)
    assert caught.value.fields == ("year",)
    data = {"title": "t", "summary": "s", "year": year, "scope_category": "public_policy"}
    response = browser(world.drafter).post(reverse("manage:decision_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["year"]
    assert Decision.objects.count() == 0


def test_a_term_end_out_of_range_is_refused(world, decision):
    for term_end in (date(1, 1, 1), date(1999, 12, 31), timezone.localdate() + timedelta(days=366 * 21)):
        with refused("input.date_range", decision, says="2000-01-01"):
            services.update_decision(decision=decision, actor=world.drafter, term_end=term_end)
    data = {"title": "t", "summary": "s", "year": 2026, "scope_category": "public_policy", "term_end": "0001-01-01"}
    response = browser(world.drafter).post(reverse("manage:decision_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["term_end"]
    services.update_decision(
        decision=decision, actor=world.drafter, term_end=timezone.localdate() + timedelta(days=3650)
    )


def test_a_comment_period_or_hearing_far_from_today_is_refused(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    today = timezone.localdate()
    consultation = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
    for start in (date(1900, 1, 1), today - timedelta(days=400), today + timedelta(days=400)):
        details = step_details(StepKind.PUBLIC_PARTICIPATION, today) | {"comment_start": start}
        with refused("step.field_invalid", decision, says="Give a date between") as caught:
            services.update_step_details(step=consultation, actor=world.drafter, details=details)
        assert "comment_start" in caught.value.fields
    hearing = current_steps(decision)[StepKind.HEARING]
    details = step_details(StepKind.HEARING, today) | {"hearing_date": date(1, 1, 1)}
    with refused("step.field_invalid", decision) as caught:
        services.update_step_details(step=hearing, actor=world.drafter, details=details)
    assert caught.value.fields == ("hearing_date",)
    report = current_steps(decision)[StepKind.PARTY_REPORT]
    details = step_details(StepKind.PARTY_REPORT, today) | {"reported_on": "9999-12-31"}
    with refused("step.field_invalid", decision):
        services.update_step_details(step=report, actor=world.drafter, details=details)
    response = browser(world.drafter).post(
        reverse("manage:step_action", args=[consultation.pk, "details"]),
        {k: str(v) for k, v in step_details(StepKind.PUBLIC_PARTICIPATION, today).items()}
        | {"comment_end": "1900-01-01"},
    )
    assert response.status_code == 400 and response.context["details_form"].errors["comment_end"]


def test_meeting_and_publication_dates_before_2000_are_refused(world, decision):
    drive_to(decision, State.AWAITING_DISCUSSION, world.cast)
    with refused("input.date_range", decision, says="2000-01-01") as caught:
        services.record_collective_decision(
            decision=decision,
            actor=world.gov,
            meeting_name="常务会议",
            meeting_date=date(1999, 12, 31),
            members=meeting_members(),
            members_total=5,
            head_name="市长",
            head_statement="同意。",
            outcome="adopted",
        )
    assert caught.value.fields == ("meeting_date",)
    with refused("meeting.members_total", decision, says="500"):
        services.record_collective_decision(
            decision=decision,
            actor=world.gov,
            meeting_name="常务会议",
            meeting_date=timezone.localdate(),
            members=meeting_members(),
            members_total=10**12,
            head_name="市长",
            head_statement="同意。",
            outcome="adopted",
        )
    drive_to(decision, State.DECIDED, world.cast)
    response = browser(world.gov).post(
        reverse("manage:transition", args=[decision.pk, "publish"]), {"channels": "网站", "published_on": "1066-10-14"}
    )
    assert response.status_code == 400 and "between 2000-01-01 and" in str(response.context["form"].errors)
