"""Property: whatever a client sends to a staff form or the API's transitions, the answer is never a 500, and a
refused input changes nothing (tests/refusals.snapshot).

Hypothesis throws arbitrary values at every form a person fills in: the decision's form (create and edit), each
transition's form (`decisions.registry.transition_inputs()`, on the staff page and as JSON to the API) and each step
record's form (with the step actions' comments and reasons): text with NUL characters, lone surrogates (JSON only:
a browser sends UTF-8) and very long runs, numbers of any size, dates of any year, booleans, lists and objects.

The world (a decision in each state that matters) is built once per test; every example runs in a savepoint that is
rolled back, so each starts from the same state. Bounded and derandomized: a fixed number of examples, the same ones
in every run (CI stability); the whole module takes well under 30 s on SQLite.
"""

import json
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountability.models import LedgerEvent
from decisions import services
from decisions.forms import DecisionForm
from decisions.models import Decision
from decisions.procedure import TRANSITIONS, State
from decisions.registry import owned_kinds, transition_inputs
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to, meeting_members, step_details, upload_decision_text
from tests.factories import log_in_in_english, make_decision
from tests.refusals import snapshot

FUZZ = settings(
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- values

# Text as a browser can send it (any code point but a lone surrogate), with NUL characters made likely.
page_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("\x00a 中\n\t<>&'\"%\\"), max_size=20),
    st.builds(lambda char, count: char * count, st.characters(exclude_categories=["Cs"]), st.integers(300, 60_000)),
)
# Text as JSON can carry it: lone surrogates too ("\ud800").
json_text = st.one_of(page_text, st.text(alphabet=st.characters(categories=["Cs", "Cc", "Lo"]), max_size=10))
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2000, 32767, 32768, 2**31, 2**63]),
    st.floats(allow_nan=False, allow_infinity=False),
)
any_date = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
near_date = st.integers(-800, 800).map(lambda days: timezone.localdate() + timedelta(days=days))
dates_as_text = st.one_of(any_date, near_date).map(date.isoformat)
scalars = st.one_of(page_text, numbers, dates_as_text, st.booleans())
json_scalars = st.one_of(json_text, numbers, dates_as_text, st.booleans(), st.none())
json_values = st.one_of(
    json_scalars,
    st.lists(json_scalars, max_size=3),
    st.dictionaries(json_text, json_scalars, max_size=3),
)


def as_page_value(value) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def page_data(names, choices=None):
    """Form fields as a browser posts them: some of the names, each a text."""
    values = st.one_of(scalars, choices) if choices is not None else scalars
    return st.dictionaries(st.sampled_from(list(names)), values.map(as_page_value), max_size=len(names))


def member_rows():
    row = st.fixed_dictionaries({}, optional={"name": json_values, "view": json_values, "remarks": json_values})
    return st.one_of(json_values, st.lists(st.one_of(row, json_values), max_size=4))


def over(baseline: dict, fuzzed: dict, keep: bool) -> dict:
    """Half the examples lay the fuzzed fields over a valid input, so the services behind the forms are reached."""
    return baseline | fuzzed if keep else fuzzed


def transition_baseline(name: str, world) -> dict:
    """A valid input of each transition (JSON); the page posts the same as text."""
    today = timezone.localdate().isoformat()
    return {
        "withdraw": {"reason": "目录调整。"},
        "suspend": {"reason": "紧急情况。"},
        "archive": {"reason": "执行完毕。"},
        "abandon_adjustment": {"reason": "不再调整。"},
        "publish": {
            "media": ["website"],
            "channels": "市政府门户网站",
            "link": "https://www.example.gov.cn/zwgk/",
            "published_on": today,
            "opinions_explanation": "已说明。",
        },
        "record_collective_decision": {
            "meeting_name": "常务会议",
            "meeting_date": today,
            "members_total": 5,
            "head_name": "市长",
            "head_statement": "同意。",
            "outcome": "adopted",
            "members": meeting_members(),
        },
        "request_legality_review": {"legal_basis": "《条例》", "procedure_statement": "已完成。"},
        "give_legality_opinion": {"opinion": "lawful", "opinion_text": "合法。"},
        "confirm_legality_changes": {"comment": "已修改。"},
        "start_adjustment": {"purpose": "change", "reason": "评估建议调整。"},
        "start_evaluation": {
            "evaluator_org": world.evaluator_body.pk,
            "trigger": "importance",
            "staged": True,
            "stage_reason": "第一阶段",
        },
        "start_execution": {"execution_unit": world.transport.pk},
        "complete_evaluation": {"public_summary": "效果良好。"},
    }.get(name, {})


def as_page_form(data: dict) -> dict:
    """A JSON input as a browser posts it: text fields, the members as the formset's rows."""
    form = {name: as_page_value(value) for name, value in data.items() if name != "members"}
    members = data.get("members")
    if isinstance(members, list):
        form |= {"members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": "0"}
        for number, row in enumerate(members):
            if isinstance(row, dict):
                form |= {f"members-{number}-{key}": as_page_value(value) for key, value in row.items()}
    return form


# ---------------------------------------------------------------- the world


def browser(user) -> Client:
    return log_in_in_english(Client(raise_request_exception=False), user)


@pytest.fixture
def stage(world):
    """A decision in each state a transition or a step record starts from, and who acts."""
    flags = {
        "requires_hearing": True,
        "in_congress_report_list": True,
        "affects_market_entities": True,
        "touches_other_departments": True,
    }
    walk = Walkthrough(world.cast)
    decisions = {"proposed": make_decision(world, title="提出")}
    for state in (State.CATALOGED, State.DRAFTING, State.LEGALITY_REVIEW, State.AWAITING_DISCUSSION, State.DECIDED):
        decisions[state] = drive_to(make_decision(world, title=str(state), **flags), state, world.cast)
    upload_decision_text(decisions[State.DECIDED], world.gov)
    ready = drive_to(make_decision(world, title="待审查"), State.DRAFTING, world.cast)
    walk.complete_required_steps(ready)
    walk.upload_draft(ready, "送审稿")
    decisions["ready"] = ready  # legality review may be requested
    decisions[State.PUBLISHED] = drive_to(make_decision(world, title="公布"), State.PUBLISHED, world.cast)
    decisions[State.IN_EXECUTION] = drive_to(make_decision(world, title="执行"), State.IN_EXECUTION, world.cast)
    evaluating = make_decision(world, title="评估", term_end=timezone.localdate() - timedelta(days=30))
    drive_to(evaluating, State.IN_EXECUTION, world.cast)
    walk.start_evaluation(evaluating)
    decisions["evaluating"] = evaluating
    users = [world.drafter, world.head, world.legal_reviewer, world.gov, world.evaluator]
    return world, [Decision.objects.get(pk=d.pk) for d in decisions.values()], users


def actor_for(name, decisions, users):
    """Who may make the transition now, on which decision; else one whose state fits (a rule refuses it)."""
    transition = TRANSITIONS[name]
    for decision in decisions:
        for user in users:
            if services.transition_refusal(decision, name, user) is None:
                return decision, user
    for decision in decisions:
        if transition.current_state(decision) in transition.sources:
            for user in users:
                if services.transition_refusal(decision, name, user).code.startswith("rule"):
                    return decision, user
            return decision, users[3]
    return decisions[0], users[3]


def unchanged_unless(accepted: bool, decision, before) -> None:
    if not accepted:
        assert snapshot(decision) == before, "a refused input changed something"


def in_savepoint(act):
    """Run `act` and roll it back: every example starts from the same world."""
    with transaction.atomic():
        act()
        transaction.set_rollback(True)


# ---------------------------------------------------------------- the transitions: page and API


TRANSITION_NAMES = sorted(transition_inputs())


@pytest.mark.django_db
def test_transition_forms_never_fail_on_the_page_or_in_the_api(stage):
    world, decisions, users = stage
    cases = {name: actor_for(name, decisions, users) for name in TRANSITION_NAMES}
    clients = {user.pk: browser(user) for user in users}

    @FUZZ
    @given(name=st.sampled_from(TRANSITION_NAMES), data=st.data())
    def check(name, data):
        decision, user = cases[name]
        fields = list(transition_inputs()[name].form_class.base_fields)
        names = [*fields, "members"] if name == "record_collective_decision" else fields
        client = clients[user.pk]
        baseline = transition_baseline(name, world)
        keep = data.draw(st.booleans(), label="over a valid input")
        if data.draw(st.booleans(), label="api"):
            fuzzed = st.dictionaries(
                st.sampled_from(names) if names else json_text,
                st.one_of(json_values, member_rows()),
                max_size=len(names) + 1,
            )
            body = data.draw(st.one_of(fuzzed.map(lambda d: over(baseline, d, keep)), json_values), label="json")

            def act():
                before = snapshot(decision)
                url = reverse("api:decision_transition", args=[decision.pk, name])
                response = client.post(url, json.dumps(body), content_type="application/json")
                assert response.status_code in (200, 400, 403, 404, 409), (response.status_code, response.content[:300])
                unchanged_unless(response.status_code == 200, decision, before)

        else:
            fuzzed = data.draw(page_data(names or ["nothing"]), label="form")
            form_data = over(as_page_form(baseline), fuzzed, keep)

            def act():
                before = snapshot(decision)
                response = client.post(reverse("manage:transition", args=[decision.pk, name]), form_data)
                assert response.status_code in (302, 400, 404), response.status_code
                unchanged_unless(response.status_code == 302, decision, before)

        in_savepoint(act)

    check()


# ---------------------------------------------------------------- the decision's own form


DECISION_CHOICES = st.sampled_from(["public_policy", "major_project", "x", "1", "true"])


@pytest.mark.django_db
def test_the_decision_form_never_fails(stage):
    world, decisions, _users = stage
    proposed = decisions[0]
    client = browser(world.drafter)
    names = list(DecisionForm.base_fields)

    baseline = {"title": "关于某事项的决定", "summary": "摘要", "year": "2026", "scope_category": "public_policy"}

    @FUZZ
    @given(edit=st.booleans(), keep=st.booleans(), fuzzed=page_data(names, DECISION_CHOICES))
    def check(edit, keep, fuzzed):
        form_data = over(baseline, fuzzed, keep)

        def act():
            before, count = snapshot(proposed), Decision.objects.count()
            url = reverse("manage:decision_edit", args=[proposed.pk]) if edit else reverse("manage:decision_create")
            response = client.post(url, form_data)
            assert response.status_code in (200, 302), response.status_code
            if response.status_code != 302:
                assert snapshot(proposed) == before and Decision.objects.count() == count

        in_savepoint(act)

    check()


# ---------------------------------------------------------------- step records and step actions


STEP_ACTIONS = ["details", "return", "approve", "propose_not_applicable", "reopen", "refuse_not_applicable"]


@pytest.mark.django_db
def test_step_record_forms_and_step_actions_never_fail(stage):
    world, decisions, _users = stage
    drafting = next(d for d in decisions if d.status == State.DRAFTING)
    steps = {kind: step for kind, step in current_steps(drafting).items() if owned_kinds().get(kind, None)}
    kinds = sorted(kind for kind, step in steps.items() if owned_kinds()[kind].form_class is not None)
    clients = {"drafter": browser(world.drafter), "head": browser(world.head), "legal": browser(world.legal_reviewer)}
    who = dict.fromkeys(("details", "propose_not_applicable", "reopen"), "drafter") | {"refuse_not_applicable": "legal"}

    @FUZZ
    @given(kind=st.sampled_from(kinds), action=st.sampled_from(STEP_ACTIONS), data=st.data())
    def check(kind, action, data):
        form_class = owned_kinds()[kind].form_class
        names = [*form_class.base_fields, "comment", "reason"]
        baseline = {name: as_page_value(value) for name, value in step_details(kind, timezone.localdate()).items()}
        baseline = {name: value for name, value in baseline.items() if name in form_class.base_fields}
        form_data = over(baseline, data.draw(page_data(names), label="form"), data.draw(st.booleans(), label="keep"))
        client = clients[who.get(action, "head")]

        def act():
            before = snapshot(drafting)
            response = client.post(reverse("manage:step_action", args=[steps[kind].pk, action]), form_data)
            assert response.status_code in (302, 400, 404), response.status_code
            unchanged_unless(response.status_code == 302, drafting, before)

        in_savepoint(act)

    check()
    assert LedgerEvent.objects.exists()
