"""Refusals cite the ordering rules by code (`rule1.steps_not_done`); these tags link them to the rule pages."""

from django import template

from decisions.rules import rule_label
from decisions.rules import rule_number as number_of

register = template.Library()


@register.filter
def rule_number(code: str | None) -> int | None:
    """`rule4.quorum` → 4; None for a code that cites no ordering rule."""
    return number_of(code)


@register.simple_tag
def rule_name(number: int) -> str:
    return rule_label(number)
