"""Who acts next on a decision, and on what: the people holding the role whose scope covers it, with the due date.

A read only (a selector): the decision page and the step page show it in place of a bare "your role does not allow
this" when the action belongs to someone else, and the one-line standing at the top of the decision page names who
holds the decision now. People are found from roles and organization scope, as `permissions.roles_in_scope` reaches
them: a unit role → the undertaking unit's users with that role (the execution unit's for reporting); an organ-wide
role → the users of the decision organ with it; the evaluator → the evaluation body's. One query per role.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.roles import ORGAN_WIDE_ROLES, Role
from workdays.calendar import working_days_left

from . import registry
from .models import Decision, Document, Step
from .permissions import ROLE_ACTIONS, UNIT_ROLES, Action
from .procedure import (
    TRANSITIONS,
    UNIT_RUN_STEPS,
    LegalityOpinion,
    Requirement,
    State,
    StepKind,
    StepStatus,
    Transition,
)
from .selectors import current_steps

# The step whose due date a transition answers to.
TRANSITION_DUE_STEPS = {
    "give_legality_opinion": StepKind.LEGALITY_REVIEW,
    "confirm_legality_changes": StepKind.LEGALITY_REVIEW,
    "record_collective_decision": StepKind.COLLECTIVE_DISCUSSION,
    "complete_evaluation": StepKind.POST_EVALUATION,
}
# How deep below a decision organ its offices may lie (city → office → section).
_ORGAN_DEPTH = 4


@dataclass
class NextActor:
    """Who acts next (a role, the organization and the people holding it) and on what, by when."""

    role: Role
    action: str
    organizations: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    due_on: date | None = None
    working_days_left: int | None = None

    @property
    def who(self) -> str:
        orgs = "、".join(self.organizations)
        if self.role == Role.DEPT_HEAD:
            who = _("the head of %(unit)s") % {"unit": orgs}
        elif self.role == Role.DRAFTER:
            who = _("the drafters of %(unit)s") % {"unit": orgs}
        else:
            who = orgs or str(self.role.label)
        if self.people:
            return f"{who} ({'、'.join(self.people)})"
        nobody = _("nobody holds the role “%(role)s” there yet") % {"role": self.role.label}
        return f"{who} ({nobody})"

    @property
    def due(self) -> str:
        if self.due_on is None:
            return ""
        if self.working_days_left is None or self.working_days_left >= 0:
            return _("due %(date)s, %(days)s working days left") % {
                "date": self.due_on.isoformat(),
                "days": self.working_days_left or 0,
            }
        return _("due %(date)s, overdue by %(days)s working days") % {
            "date": self.due_on.isoformat(),
            "days": -self.working_days_left,
        }

    def __str__(self) -> str:
        text = _("Waiting for %(who)s: %(action)s") % {"who": self.who, "action": self.action}
        return f"{text} ({self.due})" if self.due_on else text


class Holders:
    """The people holding each role within the decision's scope, looked up once per role."""

    def __init__(self, decision: Decision):
        self.decision = decision
        self._cache: dict[tuple[Role, int | None], tuple[list[str], list[str]]] = {}

    def __call__(self, role: Role, unit: Organization | None = None) -> tuple[list[str], list[str]]:
        decision = self.decision
        if role in UNIT_ROLES:
            unit = unit or decision.undertaking_unit
            key = (role, unit.pk)
            condition = Q(organization_id=unit.pk)
        elif role == Role.EVALUATOR:
            unit = decision.evaluator_org
            key = (role, getattr(unit, "pk", None))
            condition = Q(organization_id=unit.pk) if unit else Q(pk__in=[])
        else:
            key = (role, None)
            condition = Q(pk__in=[])
            for depth in range(_ORGAN_DEPTH):
                condition |= Q(**{"organization" + "__parent" * depth + "_id": decision.organ_id})
        if key not in self._cache:
            users = list(
                User.objects.filter(condition, groups__name=role.value, is_active=True)
                .select_related("organization")
                .order_by("pk")
                .distinct()
            )
            if role in ORGAN_WIDE_ROLES:
                # A district government below the organ is an organ of its own: its offices are not this organ's.
                users = [user for user in users if _organ_id(user.organization) == decision.organ_id]
            if unit is not None:
                organizations = [unit.short_name or unit.name]
            else:
                organizations = list(
                    dict.fromkeys(user.organization.short_name or user.organization.name for user in users)
                )
            self._cache[key] = (organizations, [str(user) for user in users])
        return self._cache[key]


def _organ_id(organization: Organization) -> int | None:
    organ = organization.organ
    return organ.pk if organ else None


def acting_role_for(action: Action) -> Role:
    """The role that takes `action` in the ordinary course (the first granting it, in the order of `Role`)."""
    return next(role for role in Role if action in ROLE_ACTIONS.get(role, ()))


def _actor(holders: Holders, role: Role, action, due_on=None, unit=None) -> NextActor:
    organizations, people = holders(role, unit)
    return NextActor(role, str(action), organizations, people, due_on, working_days_left(due_on))


def who_acts_next(
    decision: Decision, what: Transition | str | Step, steps: dict | None = None, holders: Holders | None = None
) -> NextActor | None:
    """Who acts next on `what`: a transition (or its name) of the table, or a step of the undertaking unit (fill in
    and submit, or approve). None when nobody is waiting on it (a step done, not applicable, …)."""
    holders = holders or Holders(decision)
    if isinstance(what, Step):
        return _on_step(decision, what, holders)
    transition = TRANSITIONS[what] if isinstance(what, str) else what
    steps = steps if steps is not None else current_steps(decision)
    due_kind = TRANSITION_DUE_STEPS.get(transition.name)
    due_on = steps[due_kind].due_on if due_kind and due_kind in steps else None
    if transition.name in ("start_adjustment", "abandon_adjustment") and decision.is_adjustment:
        due_on = decision.adjustment.due_on
    return _actor(holders, acting_role_for(transition.action), transition.label, due_on)


def _on_step(decision: Decision, step: Step, holders: Holders) -> NextActor | None:
    if step.kind not in UNIT_RUN_STEPS or step.requirement == Requirement.NOT_APPLICABLE:
        return None
    if step.status in (StepStatus.OPEN, StepStatus.RETURNED):
        label = _("Fix and resubmit") if step.status == StepStatus.RETURNED else _("Fill in and submit")
        return _actor(holders, Role.DRAFTER, label, step.due_on)
    if step.status == StepStatus.SUBMITTED:
        return _actor(holders, Role.DEPT_HEAD, _("Approve or return"), step.due_on)
    return None


# ---------------------------------------------------------------- where the decision stands, in one line


@dataclass
class Standing:
    """Where a decision stands: its stage, who holds it (who acts next), its due date, and what may follow."""

    stage: str
    next_actor: NextActor | None = None
    holder: str = ""  # when nobody in particular acts (the procedure ended, the decision is being executed)
    due_on: date | None = None
    then: str = ""  # what may follow (a suspended decision)


def changes_asked(decision: Decision, steps: dict) -> Step | None:
    """The legality review whose "lawful with changes" opinion waits for the unit's revised draft (else None)."""
    step = steps.get(StepKind.LEGALITY_REVIEW)
    if (
        decision.procedure_state == State.LEGALITY_REVIEW
        and step is not None
        and step.status == StepStatus.APPROVED
        and step.outcome == LegalityOpinion.LAWFUL_WITH_CHANGES
    ):
        return step
    return None


def revised_draft_uploaded(decision: Decision, step: Step) -> bool:
    return (
        step.reviewed_at is not None
        and decision.documents.filter(kind=Document.Kind.DRAFT, uploaded_at__gt=step.reviewed_at).exists()
    )


def standing(decision: Decision, steps: dict | None = None, holders: Holders | None = None) -> Standing:
    """The one line at the top of the decision page: stage (with the adjustment), who holds it, due date."""
    steps = steps if steps is not None else current_steps(decision)
    holders = holders or Holders(decision)
    stage = str(State(decision.status).label)
    if decision.is_adjustment:
        adjustment = decision.adjustment
        stage = _("%(status)s · adjustment %(round)s: %(stage)s") % {
            "status": stage,
            "round": adjustment.number,
            "stage": adjustment.get_stage_display(),
        }
    state = decision.procedure_state
    result = Standing(stage)

    def next_is(what, **kwargs) -> Standing:
        actor = what if isinstance(what, NextActor) else who_acts_next(decision, what, steps, holders)
        result.next_actor = actor
        result.due_on = actor.due_on if actor else None
        return result

    if decision.status == State.SUSPENDED:
        if decision.is_adjustment:
            result.then = _(
                "Execution stays suspended while the adjustment runs; it resumes when the adjustment concludes with "
                "the adjusted decision's execution, and ends if the adjustment stops the decision."
            )
        else:
            result.then = _(
                "An adjustment must follow (Decree 713 Art. 37): the government office starts it, to change or "
                "stop the decision."
            )
            return next_is("start_adjustment")
    if decision.status in (State.ARCHIVED, State.WITHDRAWN, State.REJECTED, State.TERMINATED):
        result.holder = _("Nobody: the procedure has ended.")
        return result
    if state == State.PROPOSED:
        return next_is("catalog")
    if state == State.CATALOGED:
        return next_is("start_drafting")
    if state == State.DRAFTING:
        unit_steps = [steps[kind] for kind in UNIT_RUN_STEPS if kind in steps]
        submitted = [step for step in unit_steps if step.status == StepStatus.SUBMITTED]
        if submitted:
            return next_is(_on_step(decision, submitted[0], holders))
        waiting = [
            step
            for step in unit_steps
            if step.requirement == Requirement.REQUIRED and step.status in (StepStatus.OPEN, StepStatus.RETURNED)
        ]
        if waiting:
            return next_is(_on_step(decision, waiting[0], holders))
        return next_is("request_legality_review")
    if state == State.LEGALITY_REVIEW:
        step = changes_asked(decision, steps)
        if step is not None and not revised_draft_uploaded(decision, step):
            actor = _actor(holders, Role.DRAFTER, _("Revise the draft as the legality opinion asks"), step.due_on)
            return next_is(actor)
        return next_is("confirm_legality_changes" if step is not None else "give_legality_opinion")
    if state == State.AWAITING_DISCUSSION:
        return next_is("record_collective_decision")
    if state == State.DECIDED:
        return next_is("start_execution" if decision.is_lawfully_confidential else "publish")
    if state == State.PUBLISHED:
        return next_is("start_execution")
    if decision.status == State.EVALUATING:
        step = steps.get(StepKind.POST_EVALUATION)
        evaluation = registry.record_of(step) if step is not None else None
        if evaluation is not None and not getattr(evaluation, "report_submitted_at", None):
            # The evaluation body's report comes first; the government office approves it (Art. 36).
            return next_is(_actor(holders, Role.EVALUATOR, _("Submit the evaluation report"), step.due_on))
        return next_is("complete_evaluation")
    if decision.status == State.IN_EXECUTION:
        unit = decision.execution_unit
        result.holder = _("%(unit)s executes the decision") % {"unit": unit} if unit else ""
        execution = steps.get(StepKind.EXECUTION)
        result.due_on = execution.due_on if execution else None
    return result
