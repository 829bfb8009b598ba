"""Reads of the reviews used by their pages, the API and the meeting materials."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from decisions.models import Decision, Document, Step
from decisions.procedure import StepKind

from .models import CoSigningRequest

# ---------------------------------------------------------------- co-signing (review.cosigning)


def step_co_signing_requests(step: Step) -> QuerySet[CoSigningRequest]:
    """The requests of one round of the department consultation, in the order they were sent."""
    return CoSigningRequest.objects.filter(step=step).select_related("organization", "answered_by").order_by("id")


def co_signing_inbox(user) -> QuerySet[CoSigningRequest]:
    """The requests to the user's organization (see `cosigning.answering_condition`): waiting ones first, by their
    deadline; then the answered ones, the latest first. Each with its decision and the decision's drafts."""
    from .cosigning import ANSWERING_ROLES, answering_condition

    if not user.is_authenticated or not set(user.role_names) & {role.value for role in ANSWERING_ROLES}:
        return CoSigningRequest.objects.none()
    waiting_first = Case(
        When(answer=CoSigningRequest.Answer.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    drafts = Document.objects.filter(kind__in=[Document.Kind.DRAFT, Document.Kind.EXPLANATION]).order_by(
        "kind", "-version"
    )
    return (
        CoSigningRequest.objects.filter(answering_condition(user))
        .select_related("organization", "step__decision")
        .prefetch_related(Prefetch("step__decision__documents", queryset=drafts, to_attr="draft_documents"))
        .annotate(waiting=waiting_first)
        .order_by("waiting", "due_on", "-id")
        .distinct()
    )


@dataclass(frozen=True)
class OpenDisagreement:
    request_id: int
    organization: str
    department_view: str
    unit_view: str
    due_on: date
    answered_on: date | None


def open_disagreements(decision: Decision) -> list[OpenDisagreement]:
    """The disagreements of the decision's latest department consultation still open (not resolved after talks),
    each with the department's reasons and the undertaking unit's view — for the meeting's materials."""
    step = (
        Step.objects.filter(decision=decision, kind=StepKind.DEPARTMENT_CONSULTATION)
        .order_by("-id")  # the latest round is the latest row
        .only("pk")
        .first()
    )
    if step is None:
        return []
    requests = (
        CoSigningRequest.objects.filter(step=step, answer=CoSigningRequest.Answer.DISAGREE, resolved=False)
        .select_related("organization")
        .order_by("id")
    )
    return [
        OpenDisagreement(
            request_id=request.pk,
            organization=request.organization.name,
            department_view=request.answer_text,
            unit_view=request.unit_view,
            due_on=request.due_on,
            answered_on=timezone.localdate(request.answered_at) if request.answered_at else None,
        )
        for request in requests
    ]


# ---------------------------------------------------------------- end of co-signing
