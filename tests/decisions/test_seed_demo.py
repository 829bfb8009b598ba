"""`manage.py seed_demo`: every state present, idempotent, and a history the procedure would have written."""

from io import StringIO

import pytest
from django.core.management import call_command

from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from accounts.models import Organization, User
from accounts.roles import Role
from decisions.management.commands.seed_demo import PASSWORD, PEOPLE
from decisions.models import Decision, Document, Step
from decisions.procedure import Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps


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
    """One seeding (about ten seconds), every check on it; then a second run adds nothing."""
    output = _seed()
    _check_states_and_situations()
    _check_history()
    _check_people_and_output(output)
    before = _counts()
    assert before["Decision"] >= 30
    again = _seed()
    assert _counts() == before
    assert "http://127.0.0.1:8000/" in again


def _check_states_and_situations():
    decisions = list(Decision.objects.prefetch_related("steps"))
    assert {decision.status for decision in decisions} == set(State.values)
    assert {decision.year for decision in decisions} == {2025, 2026}
    assert len({decision.undertaking_unit_id for decision in decisions}) >= 5

    adjusting = [d for d in decisions if d.status == State.DRAFTING and d.adjustment_round == 1]
    assert adjusting

    confidential = [d for d in decisions if d.is_confidential and d.status == State.IN_EXECUTION]
    assert confidential
    for decision in confidential:
        assert current_steps(decision)[StepKind.PUBLICATION].requirement == Requirement.NOT_APPLICABLE
        assert not LedgerEvent.objects.filter(decision_id=decision.pk, action="decision.publish").exists()

    current = [step for decision in decisions for step in current_steps(decision).values()]
    assert any(
        step.kind == StepKind.LEGALITY_REVIEW
        and step.status == StepStatus.APPROVED
        and step.details.get("opinion") == "lawful_with_changes"
        for step in current
    )
    assert any(step.status == StepStatus.SUBMITTED and step.kind != StepKind.LEGALITY_REVIEW for step in current)
    assert any(step.status == StepStatus.RETURNED for step in current)
    assert any(step.awaits_not_applicable_confirmation for step in current)
    assert any(step.kind == StepKind.EXECUTION and step.details.get("reports") for step in current)
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
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    admins = [
        User.objects.get(groups__name=role) for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    ]
    assert len({admin.pk for admin in admins}) == 3
    city = Organization.objects.get(code="sz-gov")
    assert city.procedure_profile.min_comment_days == 30
    assert Organization.objects.filter(parent=city, kind=Organization.Kind.DEPARTMENT).count() >= 5
    assert User.objects.get(username="drafter").check_password(PASSWORD)
    for person in PEOPLE:
        assert person.username in output
    assert PASSWORD in output
