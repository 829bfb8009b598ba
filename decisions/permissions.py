"""Who may do what in the procedure: the permission module every service of `decisions` and the step apps calls.

`can(user, action, obj)` answers with a `Verdict` (truthy when allowed) carrying a code and a translated reason, so
services can refuse with it and pages can show it. Three checks, in this order: the role grants the action; the
object lies within the user's organizations (scoping); the two-person rule (nobody approves what they submitted).
Objects are read by duck typing (`organ_id`, `undertaking_unit_id`, …); roles and the organization tree come from
`accounts`, which knows nothing of the procedure.
"""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.permissions import ALLOWED, Verdict, organ_id_of, subtree_ids_of
from accounts.roles import ORGAN_WIDE_ROLES, Role

from . import registry

__all__ = ["ALLOWED", "Action", "Verdict", "acting_role", "can", "roles_in_scope"]


class Action(StrEnum):
    VIEW_DECISION = "view_decision"
    CREATE_DECISION = "create_decision"
    EDIT_DECISION = "edit_decision"
    WORK_ON_STEP = "work_on_step"  # fill in, upload, submit, propose not-applicable
    APPROVE_STEP = "approve_step"  # approve or return what a drafter submitted
    CONFIRM_NOT_APPLICABLE = "confirm_not_applicable"
    CATALOG = "catalog"
    WITHDRAW = "withdraw"
    START_DRAFTING = "start_drafting"
    REQUEST_LEGALITY_REVIEW = "request_legality_review"
    GIVE_LEGALITY_OPINION = "give_legality_opinion"
    RECORD_COLLECTIVE_DECISION = "record_collective_decision"
    PUBLISH = "publish"
    START_EXECUTION = "start_execution"
    REPORT_EXECUTION = "report_execution"
    SUSPEND = "suspend"
    START_ADJUSTMENT = "start_adjustment"
    START_EVALUATION = "start_evaluation"
    COMPLETE_EVALUATION = "complete_evaluation"
    SUBMIT_EVALUATION_REPORT = "submit_evaluation_report"  # the evaluation body's report (Art. 36)
    ARCHIVE = "archive"
    VIEW_LEDGER = "view_ledger"
    EDIT_PROFILE = "edit_profile"  # the organ's procedure profile (numbers, default-required steps)


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.DRAFTER: frozenset(
        {
            Action.VIEW_DECISION,
            Action.CREATE_DECISION,
            Action.EDIT_DECISION,
            Action.WORK_ON_STEP,
            Action.START_DRAFTING,
            Action.REQUEST_LEGALITY_REVIEW,
            Action.REPORT_EXECUTION,
        }
    ),
    Role.DEPT_HEAD: frozenset(
        {Action.VIEW_DECISION, Action.APPROVE_STEP, Action.REQUEST_LEGALITY_REVIEW, Action.REPORT_EXECUTION}
    ),
    Role.GOV_OFFICE: frozenset(
        {
            Action.VIEW_DECISION,
            Action.CATALOG,
            Action.WITHDRAW,
            Action.START_DRAFTING,
            Action.RECORD_COLLECTIVE_DECISION,
            Action.PUBLISH,
            Action.START_EXECUTION,
            Action.SUSPEND,
            Action.START_ADJUSTMENT,
            Action.START_EVALUATION,
            Action.COMPLETE_EVALUATION,  # approves the evaluation body's report (Art. 36)
            Action.ARCHIVE,
        }
    ),
    Role.LEGAL_REVIEWER: frozenset(
        {
            Action.VIEW_DECISION,
            Action.CONFIRM_NOT_APPLICABLE,
            Action.GIVE_LEGALITY_OPINION,
            Action.EDIT_PROFILE,
        }
    ),
    Role.EVALUATOR: frozenset({Action.VIEW_DECISION, Action.SUBMIT_EVALUATION_REPORT}),
    Role.EXPERT: frozenset({Action.VIEW_DECISION}),  # only what a registered scope admits (their assignments)
    Role.SUPERVISOR: frozenset({Action.VIEW_DECISION, Action.VIEW_LEDGER}),
    Role.SYSTEM_ADMIN: frozenset(),
    Role.SECURITY_ADMIN: frozenset(),
    Role.AUDIT_ADMIN: frozenset({Action.VIEW_DECISION, Action.VIEW_LEDGER}),
}

# Roles bound to one unit see and act on that unit's decisions only.
UNIT_ROLES = frozenset({Role.DRAFTER, Role.DEPT_HEAD})


def _decision_of(obj: Any):
    return getattr(obj, "decision", None) or obj


# The execution unit (Art. 34) sees the decision and reports on its execution; the rest is the undertaking unit's.
EXECUTION_UNIT_ACTIONS = frozenset({Action.VIEW_DECISION, Action.REPORT_EXECUTION})


def roles_in_scope(user, decision, action: Action | None = None) -> set[Role]:
    """The user's roles whose organizational scope covers this decision (for this action)."""
    roles: set[Role] = set()
    held = {Role(name) for name in user.role_names if name in Role.values}
    subtree = subtree_ids_of(user) if held & (UNIT_ROLES | {Role.EVALUATOR}) else set()
    for role in held:
        if role in UNIT_ROLES:
            units = {decision.undertaking_unit_id}
            if action is None or action in EXECUTION_UNIT_ACTIONS:
                units.add(getattr(decision, "execution_unit_id", None))
            if units & subtree:
                roles.add(role)
        elif role in ORGAN_WIDE_ROLES:
            if decision.organ_id is not None and decision.organ_id == organ_id_of(user):
                roles.add(role)
        elif role == Role.EVALUATOR:
            if getattr(decision, "evaluator_org_id", None) in subtree:
                roles.add(role)
        elif role in registry.scope_roles() and decision.pk is not None:
            # A scope a step app registered (e.g. an expert's assignments): the decision must lie inside it.
            if type(decision)._default_manager.filter(registry.added_scope(user, role), pk=decision.pk).exists():
                roles.add(role)
    return roles


def acting_role(user, action: Action, obj: Any = None) -> str:
    """The role in which `user` takes `action` on `obj` (recorded in the ledger: who acted as what)."""
    if user is None:
        return ""
    granting = [role for role in Role if role in user.role_names and action in ROLE_ACTIONS.get(role, ())]
    if obj is not None and granting and hasattr(_decision_of(obj), "undertaking_unit_id"):
        in_scope = roles_in_scope(user, _decision_of(obj), action)
        granting = [role for role in granting if role in in_scope] or granting
    return granting[0].value if granting else getattr(user, "primary_role", "")


def first_allowed(user, actions, obj: Any = None) -> tuple[Action | None, Verdict]:
    """The first of `actions` the user may take on `obj`, with its verdict; none: (None, the most telling refusal —
    "another organization" for a role that could, rather than "your role")."""
    refusals = []
    for action in actions:
        verdict = can(user, action, obj)
        if verdict:
            return action, verdict
        refusals.append(verdict)
    return None, next((verdict for verdict in refusals if verdict.code != "permission.role"), refusals[0])


def can(user, action: Action, obj: Any = None) -> Verdict:
    if user is None or not user.is_authenticated or not user.is_active:
        return Verdict(False, "permission.login", _("You must be logged in."))
    granting = {role for role, actions in ROLE_ACTIONS.items() if action in actions and role in user.role_names}
    if not granting:
        return Verdict(False, "permission.role", _("Your role does not allow this action."))

    if action == Action.CREATE_DECISION:
        if not user.organization_id or user.organization.organ is None:
            return Verdict(False, "permission.organization", _("Your account belongs to no decision organ."))
        return ALLOWED
    if action == Action.VIEW_LEDGER and obj is None:
        return ALLOWED
    if action == Action.EDIT_PROFILE:
        if obj is None or organ_id_of(user) != obj.pk:
            return Verdict(False, "permission.scope", _("This decision organ is not yours."))
        return ALLOWED

    decision = _decision_of(obj)
    if decision is None:
        return Verdict(False, "permission.scope", _("This action needs a decision."))
    if not (granting & roles_in_scope(user, decision, action)):
        return Verdict(False, "permission.scope", _("This decision belongs to another organization."))

    # Two-person rule: nobody approves what they submitted themselves.
    if action in (Action.APPROVE_STEP, Action.GIVE_LEGALITY_OPINION):
        if getattr(obj, "submitted_by_id", None) == user.pk:
            return Verdict(
                False,
                "permission.two_person",
                _("Two-person rule: you cannot approve what you submitted yourself."),
            )
    if action == Action.CONFIRM_NOT_APPLICABLE:
        if getattr(obj, "not_applicable_proposed_by_id", None) == user.pk:
            return Verdict(
                False,
                "permission.two_person",
                _("Two-person rule: you cannot confirm what you proposed yourself."),
            )
    return ALLOWED
