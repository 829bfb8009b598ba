"""Reads of the post-decision evaluation: the organ's plans and the candidates with their signals (Art. 36), an
evaluator's assignments, and one decision's evaluations with the execution's indicators."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import organ_id_of
from accounts.roles import ORGAN_WIDE_ROLES, Role
from decisions.models import Decision, ExecutionIndicator, ExecutionProblemReport, IndicatorValue
from decisions.procedure import PUBLIC_STATES, State, StepKind
from decisions.services.inbound import profile_for
from workdays.calendar import add_months

from .models import Evaluation, EvaluationPlan, EvaluationPlanItem, Trigger


def plans_of(organ_id: int | None) -> QuerySet[EvaluationPlan]:
    return EvaluationPlan.objects.filter(organ_id=organ_id).select_related("organ").annotate(item_count=Count("items"))


def plan_for(user: User, pk: int) -> EvaluationPlan | None:
    """The plan if it is of the user's organ (the organ-wide roles read it; another organ's is not found)."""
    if not user.is_authenticated or not (set(user.role_names) & {role.value for role in ORGAN_WIDE_ROLES}):
        return None
    return (
        EvaluationPlan.objects.select_related("organ", "created_by", "approved_by")
        .filter(pk=pk, organ_id=organ_id_of(user))
        .first()
    )


def plan_items(plan: EvaluationPlan) -> list[EvaluationPlanItem]:
    return list(plan.items.select_related("decision").order_by("order"))


# A plan's items with their decisions, read once for `public_plan_items`.
PUBLIC_ITEMS = Prefetch("items", EvaluationPlanItem.objects.select_related("decision"))


def public_plan_items(plan: EvaluationPlan) -> list[EvaluationPlanItem]:
    """The items the public reads: those whose decision is public (published, not lawfully confidential) — a plan
    may list a decision only decided yet, or one kept confidential, which the public never sees."""
    items = plan.items.all()  # the prefetched items of `published_plans`, else one query
    return [
        item
        for item in sorted(items, key=lambda item: item.order)
        if item.decision.status in PUBLIC_STATES and not item.decision.is_lawfully_confidential
    ]


def published_plan(organ_id: int, year: int) -> EvaluationPlan | None:
    return (
        EvaluationPlan.objects.select_related("organ")
        .prefetch_related(PUBLIC_ITEMS)
        .filter(organ_id=organ_id, year=year, status=EvaluationPlan.Status.PUBLISHED)
        .first()
    )


def published_plans() -> QuerySet[EvaluationPlan]:
    return (
        EvaluationPlan.objects.filter(status=EvaluationPlan.Status.PUBLISHED)
        .select_related("organ")
        .prefetch_related(PUBLIC_ITEMS)
        .order_by("-year", "organ_id")
    )


@dataclass(frozen=True)
class Candidate:
    """A decision in execution the plan might list, with what calls for its evaluation."""

    decision: Decision
    one_year_on: date | None  # when the profile's months of execution are reached (None: execution not started)
    year_reached: bool  # reached by the end of the plan's year
    problem_reports: int
    many_reports: bool
    threshold: int

    @property
    def suggested_trigger(self) -> str:
        return Trigger.CITIZEN_REPORTS if self.many_reports else Trigger.IMPORTANCE

    @property
    def suggested_trigger_label(self) -> str:
        return Trigger(self.suggested_trigger).label

    @property
    def signalled(self) -> bool:
        return self.year_reached or self.many_reports


def plan_candidates(organ: Organization, year: int, exclude_plan: EvaluationPlan | None = None) -> list[Candidate]:
    """The organ's decisions in execution, with their signals (Art. 36): the profile's months of execution reached by
    the end of `year`, and the public's problem reports (hidden ones do not count) against the profile's threshold.
    Decisions already in `exclude_plan` are left out. (A changed legal basis and public attention are not recorded
    by the procedure: the government office names them as the item's trigger.)"""
    profile = profile_for(organ)
    year_end = date(year, 12, 31)
    decisions = (
        Decision.objects.filter(organ=organ, status=State.IN_EXECUTION)
        .select_related("undertaking_unit")
        .annotate(
            report_count=Count(
                "problem_reports", filter=~Q(problem_reports__status=ExecutionProblemReport.Status.HIDDEN)
            )
        )
        .order_by("execution_started_at", "pk")
    )
    if exclude_plan is not None:
        decisions = decisions.exclude(evaluation_plan_items__plan=exclude_plan)
    rows = []
    for decision in decisions:
        started = timezone.localdate(decision.execution_started_at) if decision.execution_started_at else None
        one_year_on = add_months(started, profile.evaluation_after_months) if started else None
        rows.append(
            Candidate(
                decision=decision,
                one_year_on=one_year_on,
                year_reached=bool(one_year_on and one_year_on <= year_end),
                problem_reports=decision.report_count,
                many_reports=decision.report_count >= profile.problem_reports_for_evaluation,
                threshold=profile.problem_reports_for_evaluation,
            )
        )
    return sorted(rows, key=lambda row: not row.signalled)


def plannable_decisions(organ: Organization) -> QuerySet[Decision]:
    from .plans import PLANNABLE_STATES

    return Decision.objects.filter(organ=organ, status__in=PLANNABLE_STATES).order_by("number")


def assignments(user: User) -> QuerySet[Evaluation]:
    """The evaluations whose evaluation body is the evaluator's organization or a unit below it — nothing else."""
    if not user.is_authenticated or not user.has_role(Role.EVALUATOR) or not user.organization_id:
        return Evaluation.objects.none()
    return (
        Evaluation.objects.filter(evaluator_id__in=user.organization.descendant_ids())
        .select_related("step__decision__organ", "evaluator")
        .order_by("-step__opened_at", "-pk")
    )


def evaluations_of(decision: Decision) -> list[Evaluation]:
    """The decision's evaluations, newest first."""
    return list(
        Evaluation.objects.filter(step__decision=decision, step__kind=StepKind.POST_EVALUATION)
        .select_related("step", "evaluator", "plan_item__plan", "report_submitted_by")
        .order_by("-step__adjustment_round", "-step__round")
    )


def completed_evaluation(decision: Decision) -> Evaluation | None:
    """The latest evaluation the government office approved, with its public summary (the portal shows it)."""
    return (
        Evaluation.objects.filter(step__decision=decision, summary_published_at__isnull=False)
        .order_by("-step__adjustment_round", "-step__round")
        .first()
    )


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    unit: str
    baseline: object
    target: object
    latest: object  # the latest actual value reported (None: none yet)


def execution_indicators(decision: Decision) -> list[IndicatorRow]:
    """The execution's indicators (targets and the latest actual value), what "effects against the goals" reads."""
    indicators = list(
        ExecutionIndicator.objects.filter(step__decision=decision, step__kind=StepKind.EXECUTION).order_by(
            "step__round", "order"
        )
    )
    latest: dict[int, object] = {}
    values = IndicatorValue.objects.filter(indicator__in=indicators).order_by("report__reported_at", "pk")
    for value in values.only("indicator_id", "actual"):
        latest[value.indicator_id] = value.actual
    return [IndicatorRow(row.name, row.unit, row.baseline, row.target, latest.get(row.pk)) for row in indicators]
