"""A decision in drafting whose steps have the due dates a test needs (set as data: the scan only reads them)."""

from datetime import date

from decisions import services
from decisions.models import Step
from tests.factories import enter_in_catalog, make_decision

TUESDAY = date(2026, 12, 1)  # a working day; 2026's calendar is known (no provisional dates)


def drafting_decision(world, **fields):
    decision = make_decision(world, **fields)
    enter_in_catalog(world, decision)
    services.start_drafting(decision=decision, actor=world.drafter)
    return decision


def due(step: Step, on: date | None, *, status: str | None = None) -> Step:
    step.due_on = on
    if status:
        step.status = status
    step.save()
    return step


def open_required_step(decision) -> Step:
    return decision.steps.filter(status="open", requirement="required").order_by("pk").first()
