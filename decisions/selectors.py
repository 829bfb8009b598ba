"""Reads of decisions and steps used by several views, the API and reports."""

from django.db.models import Q, QuerySet

from accounts.permissions import UNIT_ROLES
from accounts.roles import ORGAN_WIDE_ROLES, Role

from .models import Decision, Step
from .procedure import ALL_STEPS, PUBLIC_STATES


def current_steps(decision: Decision) -> dict[str, Step]:
    """The latest round of each step kind (uses a prefetched `steps` when there is one)."""
    latest: dict[str, Step] = {}
    for step in decision.steps.all():
        if step.kind not in latest or step.round > latest[step.kind].round:
            latest[step.kind] = step
    return latest


def ordered_current_steps(decision: Decision) -> list[Step]:
    steps = current_steps(decision)
    return [steps[kind] for kind in ALL_STEPS if kind in steps]


def visible_decisions(user) -> QuerySet[Decision]:
    """Decisions the user may see in the staff workspace: their unit's, their organ's, or assigned to them."""
    if not user.is_authenticated or not user.organization_id:
        return Decision.objects.none()
    roles = set(user.role_names)
    condition = Q(pk__in=[])
    if roles & {r.value for r in UNIT_ROLES}:
        subtree = user.organization.descendant_ids()
        condition |= Q(undertaking_unit_id__in=subtree) | Q(execution_unit_id__in=subtree)
    if roles & {r.value for r in ORGAN_WIDE_ROLES}:
        organ = user.organization.organ
        if organ is not None:
            condition |= Q(organ_id=organ.pk)
    if Role.EVALUATOR in roles:
        condition |= Q(evaluator_org_id__in=user.organization.descendant_ids())
    return Decision.objects.filter(condition)


def public_decisions() -> QuerySet[Decision]:
    return Decision.objects.filter(status__in=PUBLIC_STATES, is_confidential=False)
