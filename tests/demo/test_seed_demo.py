"""`manage.py seed_demo` (the demo app): every state present, idempotent, people made through the accounts services,
a history the procedure would have written; and the scenario data is data, not code."""

import ast
import json
from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from django.utils import timezone

from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from accounts.models import Organization, User
from accounts.roles import Role
from decisions.models import Decision, Document, Step
from decisions.procedure import Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps
from decisions.services.deadlines import steps_waited_on
from demo import walkthrough
from demo.city import MOVES, PASSWORD, SCENARIO, SITE_URL, scenario
from workdays.calendar import working_days_left

DECISIONS = 33  # the city's, from the scenario's decisions
CATALOG_DECISIONS = 5  # the district's, created when its catalog (and its adjustment) was published
PEOPLE = 23


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Organization, User, Decision, Step, Document, LedgerEvent)
    }


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo():
    """One seeding (a few seconds), every check on it; then a second run adds nothing."""
    output = _seed()
    _check_states_and_situations()
    _check_due_dates()
    _check_notices(output)
    _check_history()
    _check_people_and_output(output)
    _check_catalogs()
    before = _counts()
    assert before["Decision"] == DECISIONS + CATALOG_DECISIONS
    again = _seed()
    assert _counts() == before
    assert SITE_URL in again and PASSWORD in again
    assert verify_chain().ok


def _check_notices(output):
    """The ticker's work is visible: reminders and overdue notices, the calendar reminder, one read, a digest."""
    from notifications.models import Notice, NoticePreference
    from workdays.calendar import WorkingDayCalendar

    kinds = set(Notice.objects.values_list("kind", flat=True))
    assert "reminder" in kinds, kinds
    if WorkingDayCalendar().is_working_day(timezone.localdate())[0]:
        assert "overdue" in kinds, kinds  # overdue notices go out on working days only
    if timezone.localdate().month >= 11:
        assert Notice.objects.filter(kind="calendar", recipient__username="legal").exists()
    assert Notice.objects.filter(read_at=None).exists() and Notice.objects.exclude(read_at=None).count() == 2
    assert NoticePreference.objects.get(user__username="head").email_mode == "digest"
    assert f"{Notice.objects.filter(read_at=None).count()}" in output and "manage/notices/" in output


def _check_catalogs():
    """Two years of catalogs for the city and the district: 2026 published and adjusted (two versions), 2027 being
    compiled or reviewed, and the city's 2025 catalog of the decisions of that year; suggestions answered (taken,
    not taken); the decisions of published entries cataloged (or moved on), each approval a meeting record; every
    decision past "proposed" entered the catalog by its publication."""
    from catalog.models import Catalog, CatalogEntry, Suggestion
    from catalog.selectors import version_diff, versions

    statuses = {(catalog.organ.code, catalog.year): catalog.status for catalog in Catalog.objects.all()}
    assert statuses == {
        ("sz-gov", 2025): "published",
        ("sz-gov", 2026): "published",
        ("sz-gov", 2027): "compiling",
        ("sz-district", 2026): "published",
        ("sz-district", 2027): "in_review",
    }
    district = Catalog.objects.get(organ__code="sz-district", year=2026)
    first, second = versions(district)
    diff = version_diff(first, second)
    assert len(diff["added"]) == 1 and len(diff["removed"]) == 1
    assert all(entry["title"] != "东城区应急避难场所建设方案" for entry in second.entries)  # confidential
    assert second.confidential_count == 1
    removed = CatalogEntry.objects.get(catalog=district, removed=True)
    assert removed.decision.status == State.WITHDRAWN
    for entry in CatalogEntry.objects.filter(catalog=district, removed=False):
        assert entry.decision.status == State.CATALOGED
    city = Catalog.objects.get(organ__code="sz-gov", year=2026)
    # Version 1 and the year's adjustments (an addition, a removal); a withdrawn decision's entry was removed by an
    # adjustment with the withdrawal's reason (a cataloged decision leaves the catalog only that way).
    assert [version.number for version in versions(city)] == [1, 2, 3]
    withdrawn = Decision.objects.filter(organ__code="sz-gov", status=State.WITHDRAWN)
    assert withdrawn.count() == 2
    for decision in withdrawn:
        entry = CatalogEntry.objects.get(decision=decision)
        assert entry.removed
        event = LedgerEvent.objects.get(decision_id=decision.pk, action="decision.withdraw")
        assert entry.removal_reason == event.reason
    for catalog in Catalog.objects.filter(status="published"):
        approval = catalog.approval_meeting
        assert approval is not None and approval.step_id is None and approval.speakers.count() >= 3
    moved_on = Decision.objects.filter(organ__code="sz-gov").exclude(status=State.PROPOSED)
    assert moved_on.exists()
    for decision in moved_on:
        assert CatalogEntry.objects.filter(decision=decision).exists(), decision
        assert LedgerEvent.objects.filter(decision_id=decision.pk, action="decision.catalog").count() == 1
    assert set(Suggestion.objects.values_list("answer", flat=True)) == {"", "taken", "not_taken"}


def _check_states_and_situations():
    decisions = list(Decision.objects.filter(organ__code="sz-gov").prefetch_related("steps"))
    assert len(decisions) == DECISIONS
    assert {decision.status for decision in decisions} == set(State.values)  # all 14 states
    assert {decision.title for decision in decisions} == {spec["title"] for spec in scenario()["decisions"]}
    assert {decision.year for decision in decisions} == {2025, 2026}
    assert len({decision.undertaking_unit_id for decision in decisions}) >= 5

    # An adjustment under way beside the decision in force, which keeps being executed.
    adjusting = [d for d in decisions if d.is_adjustment and d.procedure_state == State.DRAFTING]
    assert adjusting and all(d.status in (State.IN_EXECUTION, State.SUSPENDED) for d in adjusting)

    confidential = [d for d in decisions if d.is_confidential and d.status == State.IN_EXECUTION]
    assert confidential
    for decision in confidential:
        assert current_steps(decision)[StepKind.PUBLICATION].requirement == Requirement.NOT_APPLICABLE
        assert not LedgerEvent.objects.filter(decision_id=decision.pk, action="decision.publish").exists()

    current = [step for decision in decisions for step in current_steps(decision).values()]
    assert any(
        step.kind == StepKind.LEGALITY_REVIEW
        and step.status == StepStatus.APPROVED
        and step.outcome == "lawful_with_changes"
        for step in current
    )
    assert any(step.status == StepStatus.SUBMITTED and step.kind != StepKind.LEGALITY_REVIEW for step in current)
    assert any(step.status == StepStatus.RETURNED for step in current)
    assert any(step.awaits_not_applicable_confirmation for step in current)
    assert any(step.kind == StepKind.EXECUTION and step.execution_reports.exists() for step in current)
    flags = (
        "is_technical",
        "has_stability_risk",
        "affects_market_entities",
        "touches_other_departments",
        "requires_hearing",
        "in_congress_report_list",
    )
    for flag in flags:
        assert {getattr(decision, flag) for decision in decisions} == {True, False}, flag


def _check_due_dates():
    """The workspace shows steps due soon, due today and overdue by a few working days, where they would be: a
    comment period ending today, answers asked of other departments, a shortened legality review, a consultation
    returned after its period closed."""
    waiting = list(steps_waited_on().select_related("decision"))
    assert waiting and all(step.due_on for step in waiting)  # every step waited on has a due date
    left = {(step.decision.title, step.kind): working_days_left(step.due_on) for step in waiting}
    today = timezone.localdate()
    assert any(1 <= days <= 3 for days in left.values()), left
    assert any(step.due_on == today for step in waiting)
    assert any(-5 <= days <= -1 for days in left.values()), left
    assert left[("示例市传染病定点医院应急扩容建设方案", StepKind.LEGALITY_REVIEW)] == 3
    assert left[("示例市新能源汽车充电基础设施建设实施方案（2026—2028年）", StepKind.DEPARTMENT_CONSULTATION)] == 3
    assert -3 <= left[("示例市中小学课后服务收费标准", StepKind.PUBLIC_PARTICIPATION)] <= -2


def _check_history():
    assert verify_chain().ok
    for decision in Decision.objects.all():
        statuses = [
            event.after["status"]
            for event in LedgerEvent.objects.filter(decision_id=decision.pk, action__startswith="decision.").order_by(
                "id"
            )
            if "status" in event.after
        ]
        assert statuses[0] == State.PROPOSED
        assert statuses[-1] == decision.status, decision.title


def _check_people_and_output(output):
    people = scenario()["people"]
    assert len(people) == PEOPLE and User.objects.count() == PEOPLE
    for person in people:
        user = User.objects.get(username=person["username"])
        assert user.role_names == {person["role"]}, person["username"]
        assert user.organization.code == person["organization"]
        assert (user.display_name, user.title) == (person["name"], person["title"])
        assert user.check_password(PASSWORD)
        # made through accounts.services.create_user: the role was assigned by assign_role, in the ledger
        event = LedgerEvent.objects.get(action="accounts.role_assigned", object_id=str(user.pk))
        assert event.after == {"roles": [person["role"]]}
        assert person["username"] in output
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    admins = [
        User.objects.get(groups__name=role) for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    ]
    assert len({admin.pk for admin in admins}) == 3
    assert User.objects.get(groups__name=Role.SYSTEM_ADMIN).is_staff
    city = Organization.objects.get(code="sz-gov")
    assert city.procedure_profile.min_comment_days == 30
    assert Organization.objects.filter(parent=city, kind=Organization.Kind.DEPARTMENT).count() >= 5
    assert PASSWORD in output


# ---------------------------------------------------------------- the scenario is data


def test_the_scenario_file_is_plain_json():
    """The Chinese scenario is kept apart from the code, as data: a JSON document with no Python in it."""
    data = json.loads(SCENARIO.read_text(encoding="utf-8"))
    assert SCENARIO.suffix == ".json" and not SCENARIO.with_suffix(".py").exists()
    assert data == scenario()

    def leaves(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, list):
            for item in value:
                yield from leaves(item)
        else:
            yield value

    assert all(isinstance(leaf, str | int | bool) or leaf is None for leaf in leaves(data))


def test_the_scenario_names_only_what_exists():
    data = scenario()
    usernames = {person["username"] for person in data["people"]}
    codes = {org["code"] for org in data["organizations"]}
    assert {Role(person["role"]) for person in data["people"]} == set(Role)
    assert {person["organization"] for person in data["people"]} <= codes
    for unit in data["departments"].values():
        assert unit["organization"] in codes and {unit["drafter"], unit["head"]} <= usernames
        for kind in unit["step_details"]:
            assert StepKind(kind)
    assert len(data["decisions"]) == DECISIONS
    assert {spec["scenario"] for spec in data["decisions"]} == set(data["scenarios"])
    for spec in data["decisions"]:
        assert spec["unit"] in data["departments"]
        assert Decision.ScopeCategory(spec["scope"])
    for moves in data["scenarios"].values():
        for move in moves:
            assert move["do"] in MOVES
            assert callable(getattr(walkthrough.Walkthrough, move["do"]))
            if "target" in move:
                assert move["target"] in walkthrough.DRIVABLE
            if "kind" in move:
                assert StepKind(move["kind"])


def test_the_walkthrough_module_holds_the_one_path():
    """seed_demo lives in the demo app and builds through demo.city; decisions keeps no walkthrough of its own."""
    assert get_commands()["seed_demo"] == "demo"
    import importlib.util

    assert importlib.util.find_spec("decisions.demo") is None
    source = (SCENARIO.parents[1] / "management" / "commands" / "seed_demo.py").read_text(encoding="utf-8")
    defined = {node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef)}
    assert defined <= {"add_arguments", "handle", "created"}  # thin: parse the arguments, call the builder
