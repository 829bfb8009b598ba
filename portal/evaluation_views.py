"""The published post-decision evaluation plans on the portal (Decree 713 Art. 36): an organ's plan of a year, the
decisions it will have evaluated, why and when. Read through `evaluation.selectors`; only a published plan is shown.

Not in the page cache: publishing a plan is not an event of a decision, so the cache would not know it changed."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evaluation import selectors


@require_GET
def evaluation_plan(request, organ_id: int, year: int):
    plan = selectors.published_plan(organ_id, year)
    if plan is None:
        raise Http404
    return render(request, "portal/evaluation_plan.html", {"plan": plan, "items": selectors.public_plan_items(plan)})
