"""The organ's annual post-decision evaluation plan (Decree 713 Art. 36): the government office draws it up, another
member of the government office approves it (two-person rule), and it is published on the portal.

Each act is one transaction, the plan locked, the permission checked here, one ledger event (codes and numbers).
Once approved the plan is fixed: items are neither added nor removed. Refusals raise `ProcedureError` and change
nothing.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accountability.models import LedgerEvent
from accounts.models import Organization, User
from decisions.bounds import refuse_year_out_of_range
from decisions.errors import ProcedureError
from decisions.models import Decision
from decisions.permissions import Action, acting_role, can
from decisions.procedure import IN_FORCE_STATES, State
from decisions.services.base import optional_text, require_text

from .models import EvaluationPlan, EvaluationPlanItem, Trigger

QUARTER = re.compile(r"^(?P<year>\d{4})Q[1-4]$")
# A plan lists decisions in force, or decided and about to be (published and executed by the time they are evaluated).
PLANNABLE_STATES = frozenset(IN_FORCE_STATES | {State.DECIDED, State.PUBLISHED})


def _organ_stand_in(organ: Organization) -> Decision:
    """The permission module reads decisions: the organ's plan is the government office's, as a decision of the organ
    would be (the same stand-in as the catalog's `Action.CATALOG`)."""
    return Decision(organ=organ, undertaking_unit=organ)


def plan_refusal(user: User, organ: Organization) -> ProcedureError | None:
    """Why `user` may not draw up, approve or publish the organ's evaluation plan (None: they may)."""
    verdict = can(user, Action.START_EVALUATION, _organ_stand_in(organ))
    return None if verdict else ProcedureError.from_verdict(verdict)


def may_plan(user: User, organ: Organization) -> bool:
    return plan_refusal(user, organ) is None


def _ensure_may_plan(user: User, organ: Organization) -> None:
    refusal = plan_refusal(user, organ)
    if refusal is not None:
        raise refusal


def _event(actor: User, plan: EvaluationPlan, action: str, **kwargs):
    return record_event(
        actor=actor,
        action=action,
        obj=plan,
        role=acting_role(actor, Action.START_EVALUATION, _organ_stand_in(plan.organ)) or None,
        **kwargs,
    )


def _lock(plan: EvaluationPlan) -> EvaluationPlan:
    return EvaluationPlan.objects.select_for_update().select_related("organ").get(pk=plan.pk)


def _ensure_draft(plan: EvaluationPlan) -> None:
    if plan.status != EvaluationPlan.Status.DRAFT:
        raise ProcedureError(
            "evaluation_plan.fixed",
            _("The evaluation plan is “%(status)s”: once approved it is fixed and its items no longer change.")
            % {"status": plan.get_status_display()},
        )


@transaction.atomic
def create_plan(*, actor: User, organ: Organization, year: int, notes: str = "") -> EvaluationPlan:
    """The government office starts the organ's evaluation plan of a year (one a year)."""
    _ensure_may_plan(actor, organ)
    refuse_year_out_of_range(year)
    notes = optional_text(notes, ("notes",))
    if EvaluationPlan.objects.filter(organ=organ, year=year).exists():
        raise ProcedureError(
            "evaluation_plan.exists",
            _("%(organ)s already has an evaluation plan for %(year)s.") % {"organ": organ.name, "year": year},
            fields=("year",),
        )
    try:
        with transaction.atomic():
            plan = EvaluationPlan.objects.create(organ=organ, year=year, notes=notes, created_by=actor)
    except IntegrityError as error:  # drawn up meanwhile by someone else
        raise ProcedureError(
            "evaluation_plan.exists",
            _("%(organ)s already has an evaluation plan for %(year)s.") % {"organ": organ.name, "year": year},
            fields=("year",),
        ) from error
    _event(actor, plan, "evaluation_plan.created", after={"organ": organ.pk, "year": year})
    return plan


@transaction.atomic
def add_plan_item(
    *, plan: EvaluationPlan, actor: User, decision: Decision, trigger: str, reason: str, planned_quarter: str
) -> EvaluationPlanItem:
    """A decision of the organ, in force or about to be, to be evaluated in a quarter of the plan's year, and why."""
    plan = _lock(plan)
    _ensure_may_plan(actor, plan.organ)
    _ensure_draft(plan)
    if decision is None or decision.organ_id != plan.organ_id:
        raise ProcedureError("evaluation_plan.decision", _("Choose a decision of this organ."), fields=("decision",))
    if decision.status not in PLANNABLE_STATES:
        raise ProcedureError(
            "evaluation_plan.not_in_force",
            _(
                "Decree 713 Art. 36: a decision is evaluated while it is executed; “%(title)s” is “%(state)s”, "
                "neither in force nor decided."
            )
            % {"title": decision.title, "state": decision.get_status_display()},
            fields=("decision",),
        )
    if trigger not in Trigger.values or trigger == Trigger.PLAN:
        raise ProcedureError(
            "evaluation_plan.trigger", _("Say why the decision is to be evaluated."), fields=("trigger",)
        )
    reason = require_text(
        reason, "evaluation_plan.reason", _("Give the reason for evaluating this decision."), fields=("reason",)
    )
    match = QUARTER.match(planned_quarter or "")
    if match is None or int(match["year"]) != plan.year:
        raise ProcedureError(
            "evaluation_plan.quarter",
            _("Plan the evaluation in a quarter of %(year)s, e.g. “%(year)sQ2”.") % {"year": plan.year},
            fields=("planned_quarter",),
        )
    if plan.items.filter(decision=decision).exists():
        raise ProcedureError(
            "evaluation_plan.duplicate",
            _("“%(title)s” is already in the plan.") % {"title": decision.title},
            fields=("decision",),
        )
    order = (plan.items.aggregate(last=Max("order"))["last"] or 0) + 1
    item = EvaluationPlanItem.objects.create(
        plan=plan,
        order=order,
        decision=decision,
        trigger=trigger,
        reason=reason,
        planned_quarter=planned_quarter,
    )
    _event(
        actor,
        plan,
        "evaluation_plan.item_added",
        after={"item": order, "decision": decision.pk, "trigger": trigger, "quarter": planned_quarter},
    )
    return item


@transaction.atomic
def remove_plan_item(*, plan: EvaluationPlan, actor: User, item_id: int) -> None:
    """Take an item out of a plan being drawn up (the other items keep their numbers)."""
    plan = _lock(plan)
    _ensure_may_plan(actor, plan.organ)
    _ensure_draft(plan)
    item = plan.items.filter(pk=item_id).first()
    if item is None:
        raise ProcedureError("evaluation_plan.no_item", _("No such item in this plan."))
    if item.evaluations.exists():
        raise ProcedureError("evaluation_plan.item_used", _("An evaluation was started from this item; it stays."))
    before = {"item": item.order, "decision": item.decision_id}
    item.delete()
    _event(actor, plan, "evaluation_plan.item_removed", before=before)


@transaction.atomic
def approve_plan(*, plan: EvaluationPlan, actor: User) -> EvaluationPlan:
    """Another member of the government office approves the plan (never the one who drew it up)."""
    plan = _lock(plan)
    _ensure_may_plan(actor, plan.organ)
    _ensure_draft(plan)
    # Who drew it up: who created it, or added or removed an item (the ledger keeps each act with its actor).
    shaped = LedgerEvent.objects.filter(
        object_type=EvaluationPlan._meta.label_lower,
        object_id=str(plan.pk),
        action__in=("evaluation_plan.item_added", "evaluation_plan.item_removed"),
        actor=actor,
    ).exists()
    if plan.created_by_id == actor.pk or shaped:
        raise ProcedureError(
            "evaluation_plan.same_person",
            _(
                "Two-person rule: the evaluation plan is approved by someone other than those who drew it up "
                "(created it, or added or removed its items)."
            ),
        )
    if not plan.items.exists():
        raise ProcedureError("evaluation_plan.empty", _("Add the decisions to be evaluated before approving the plan."))
    plan.status, plan.approved_by, plan.approved_at = EvaluationPlan.Status.APPROVED, actor, timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    _event(actor, plan, "evaluation_plan.approved", after={"items": plan.items.count()})
    return plan


@transaction.atomic
def publish_plan(*, plan: EvaluationPlan, actor: User) -> EvaluationPlan:
    """The approved plan goes on the portal."""
    plan = _lock(plan)
    _ensure_may_plan(actor, plan.organ)
    if plan.status != EvaluationPlan.Status.APPROVED:
        raise ProcedureError(
            "evaluation_plan.not_approved",
            _("The evaluation plan is “%(status)s”; only an approved plan is published.")
            % {"status": plan.get_status_display()},
        )
    plan.status, plan.published_at = EvaluationPlan.Status.PUBLISHED, timezone.now()
    plan.save(update_fields=["status", "published_at"])
    _event(actor, plan, "evaluation_plan.published", after={"year": plan.year})
    return plan


def published_plan_item(decision: Decision, year: int) -> EvaluationPlanItem | None:
    """The decision's item in its organ's published plan of `year`, if it is in it."""
    return (
        EvaluationPlanItem.objects.filter(
            decision=decision, plan__organ_id=decision.organ_id, plan__year=year, plan__status="published"
        )
        .select_related("plan")
        .first()
    )
