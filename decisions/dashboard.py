"""Reads for the home page of each role (/manage/): the organ's dashboard (supervisor, audit administrator), the
approvals waiting for a head, the government office's work lists. Each is a constant number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accountability.models import LedgerEvent
from accountability.seals import SealStatus, newest_seal_status
from accounts.roles import Role

from .models import Decision, Step
from .procedure import LAWFUL_OPINIONS, Requirement, State, StepKind, StepStatus
from .selectors import UNIT_STEP_KINDS, in_procedure_state, visible_decisions

ROWS = 50  # the longest list a home page shows

# A decision "decided" (adopted at the collective discussion, whatever happened to it after).
DECIDED_ONWARD = (
    State.DECIDED,
    State.PUBLISHED,
    State.IN_EXECUTION,
    State.EVALUATING,
    State.SUSPENDED,
    State.TERMINATED,
    State.ARCHIVED,
)
FINISHED_STEP_STATUSES = (StepStatus.DONE, StepStatus.CLOSED)


@dataclass
class OrganDashboard:
    """The decision organ's procedure at a glance, for those who supervise it."""

    by_state: list[tuple[str, str, int]]  # (state, label, count), in the procedure's order
    overdue_steps: list[Step]
    overdue_count: int
    shortened_reviews: list[LedgerEvent]  # each request of a legality review with a shortened period
    shortened_decisions: dict[int, Decision]
    not_applicable_steps: list[Step]
    decided_total: int
    decided_with_lawful_opinion: int
    seal_status: SealStatus | None
    today: date = field(default_factory=timezone.localdate)

    @property
    def total(self) -> int:
        return sum(count for _state, _label, count in self.by_state)

    @property
    def coverage_percent(self) -> int | None:
        if not self.decided_total:
            return None
        return round(100 * self.decided_with_lawful_opinion / self.decided_total)

    @property
    def shortened_rows(self) -> list[tuple[LedgerEvent, Decision | None]]:
        return [(event, self.shortened_decisions.get(event.decision_id)) for event in self.shortened_reviews]


def organ_of(user):
    if not user.is_authenticated or not user.organization_id:
        return None
    return user.organization.organ


def organ_dashboard(user, *, today: date | None = None) -> OrganDashboard | None:
    """The dashboard of the user's decision organ (None without one). Seven queries, whatever the numbers."""
    organ = organ_of(user)
    if organ is None:
        return None
    today = today or timezone.localdate()
    decisions = Decision.objects.filter(organ_id=organ.pk)

    # Where the procedure stands: the running adjustment's stage, else the decision's own status.
    counts = dict(
        decisions.annotate(state=Coalesce("adjustment__stage", "status", output_field=CharField()))
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    by_state = [(state.value, str(state.label), counts.pop(state.value, 0)) for state in State]
    by_state += [(state, state, n) for state, n in sorted(counts.items())]  # adjustment stages without a state

    steps = Step.objects.filter(decision__organ_id=organ.pk).select_related("decision")
    overdue = (
        steps.filter(due_on__lt=today)
        .exclude(status__in=FINISHED_STEP_STATUSES)
        .exclude(requirement=Requirement.NOT_APPLICABLE)
    )
    shortened = list(
        LedgerEvent.objects.filter(decision_id__in=decisions.values("pk"), after__shortened=True).order_by("-id")[:ROWS]
    )
    shortened_decisions = Decision.objects.in_bulk({event.decision_id for event in shortened})

    lawful = Step.objects.filter(
        decision=OuterRef("pk"), kind=StepKind.LEGALITY_REVIEW, outcome__in=[o.value for o in LAWFUL_OPINIONS]
    )
    coverage = (
        decisions.filter(status__in=DECIDED_ONWARD)
        .annotate(lawful=Exists(lawful))
        .aggregate(total=Count("pk"), covered=Count("pk", filter=Q(lawful=True)))
    )
    return OrganDashboard(
        by_state=by_state,
        overdue_steps=list(overdue.order_by("due_on", "pk")[:ROWS]),
        overdue_count=overdue.count(),
        shortened_reviews=shortened,
        shortened_decisions=shortened_decisions,
        not_applicable_steps=list(steps.filter(requirement=Requirement.NOT_APPLICABLE).order_by("-pk")[:ROWS]),
        decided_total=coverage["total"],
        decided_with_lawful_opinion=coverage["covered"],
        # The newest seal, from the seal file's last line (no chain walk), as on the decision page.
        seal_status=newest_seal_status(),
        today=today,
    )


@dataclass(frozen=True)
class Approval:
    step: Step
    own: bool  # submitted by the head themselves: another head approves it (two-person rule)


def approvals_waiting(user) -> list[Approval]:
    """The unit steps submitted to a head for approval, within their units; their own submissions flagged."""
    steps = (
        Step.objects.filter(decision__in=visible_decisions(user), status=StepStatus.SUBMITTED, kind__in=UNIT_STEP_KINDS)
        .select_related("decision", "decision__undertaking_unit", "submitted_by")
        .order_by("due_on", "pk")[:ROWS]
    )
    return [Approval(step, step.submitted_by_id == user.pk) for step in steps]


@dataclass
class OfficeWork:
    meetings: list[Decision]  # awaiting collective discussion: the meeting to prepare
    to_publish: list[Decision]  # decided: awaiting publication
    to_catalog: list[Decision]  # proposed: catalog work


def office_work(user) -> OfficeWork:
    visible = visible_decisions(user).select_related("undertaking_unit", "adjustment").order_by("pk")
    return OfficeWork(
        meetings=list(visible.filter(in_procedure_state(State.AWAITING_DISCUSSION))[:ROWS]),
        to_publish=list(visible.filter(in_procedure_state(State.DECIDED))[:ROWS]),
        to_catalog=list(visible.filter(in_procedure_state(State.PROPOSED))[:ROWS]),
    )


@dataclass
class RoleHome:
    dashboard: OrganDashboard | None = None
    approvals: list[Approval] | None = None
    office: OfficeWork | None = None
    manages_people: bool = False  # the system administrator's tools
    assigns_roles: bool = False  # the security administrator's tools


def role_home(user) -> RoleHome:
    """What the home page shows beside the tasks, per the roles the user holds."""
    roles = set(user.role_names)
    home = RoleHome()
    if roles & {Role.SUPERVISOR.value, Role.AUDIT_ADMIN.value}:
        home.dashboard = organ_dashboard(user)
    if Role.DEPT_HEAD.value in roles:
        home.approvals = approvals_waiting(user)
    if Role.GOV_OFFICE.value in roles:
        home.office = office_work(user)
    home.manages_people = Role.SYSTEM_ADMIN.value in roles
    home.assigns_roles = Role.SECURITY_ADMIN.value in roles
    return home
