"""Object lookups scoped to the user: another organization's decision is simply not found (no probing of ids)."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Decision, Document, Step
from .selectors import visible_decisions


def decision_for(user, pk: int, *, detailed: bool = False) -> Decision:
    queryset = visible_decisions(user).select_related(
        "organ", "undertaking_unit", "execution_unit", "evaluator_org", "adjustment"
    )
    if detailed:
        queryset = queryset.prefetch_related(
            Prefetch(
                "steps",
                queryset=Step.objects.select_related(
                    "submitted_by",
                    "reviewed_by",
                    "completed_by",
                    "not_applicable_proposed_by",
                    "not_applicable_confirmed_by",
                ).prefetch_related("documents"),
            )
        )
    return get_object_or_404(queryset, pk=pk)


def step_for(user, pk: int) -> Step:
    step = get_object_or_404(Step.objects.select_related("decision"), pk=pk)
    decision = decision_for(user, step.decision_id, detailed=True)
    for candidate in decision.steps.all():
        if candidate.pk == step.pk:
            return candidate
    raise Http404  # pragma: no cover - the step belongs to the decision just loaded


def document_for(user, pk: int) -> Document:
    document = get_object_or_404(Document, pk=pk)
    decision_for(user, document.decision_id)
    return document
