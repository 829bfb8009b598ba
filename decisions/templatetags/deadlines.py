"""A step's due date as the pages show it: `{{ step|due }}` (a `deadlines.DueStanding`, or None), rendered by
`decisions/includes/due.html`. The views render inside `using_calendar()`, so the rows of one page share one
working-day calendar (the Holiday table read once per year, not once per row)."""

from django import template

from decisions.deadlines import DueStanding, due_standing

register = template.Library()


@register.filter
def due(step) -> DueStanding | None:
    return due_standing(step)
