"""Labels for stored codes (ledger actions, roles, states), so pages speak the user's language."""

from django import template

from accounts.roles import Role
from decisions.procedure import State, StepStatus, event_label

register = template.Library()


@register.filter
def action_label(action: str):
    return event_label(action)


@register.filter
def role_label(role: str):
    return Role(role).label if role in Role.values else role


@register.filter
def state_label(status: str):
    """A decision's state or a step's status (ledger events record both under "status")."""
    for choices in (State, StepStatus):
        if status in choices.values:
            return choices(status).label
    return status
