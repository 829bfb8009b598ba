"""The deadline scan: reminders before a step's due date, daily notices after it, the legal office told when late.

Run by the one-minute ticker (notifications.tasks.tick) and by `python manage.py scan_deadlines` — the same
function. It reads due dates from the database (decisions.Step.due_on) and writes each notice once: the unique
constraints of Notice make a second scan, or two scans at once, create nothing twice (`bulk_create` ignores the
conflicts). It works in batches walked in (due_on, id) order, with a fixed number of queries per batch whatever the
batch holds: the steps with their decisions, the people holding the roles of the batch's units, the notices.

Which threshold: the profile's `reminder_days_before_due` (working days, e.g. [3, 1, 0]): a step is reminded at the
smallest threshold its working days left fit in, once — a step whose due date is set two working days ahead gets
the 3-day reminder at once, never a burst of all three. After the due date: one notice a working day to whoever
must act and the unit's head, and from `escalate_after_working_days` working days late to the organ's legal office.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.roles import Role
from decisions.models import ProcedureProfile, Step
from decisions.procedure import UNIT_RUN_STEPS, StepKind, StepStatus
from workdays.calendar import WorkingDayCalendar

from .models import Notice

BATCH_SIZE = 500
DEFAULT_THRESHOLDS = (3, 1, 0)
DEFAULT_ESCALATION = 3
# The statuses in which somebody must still act on a step before its due date.
WAITING = (StepStatus.OPEN, StepStatus.RETURNED, StepStatus.SUBMITTED)
UNIT_KINDS = frozenset(kind.value for kind in UNIT_RUN_STEPS)
# Steps the organ's offices act on (rather than the undertaking unit).
ORGAN_KINDS = {
    StepKind.LEGALITY_REVIEW: Role.LEGAL_REVIEWER,
    StepKind.COLLECTIVE_DISCUSSION: Role.GOV_OFFICE,
    StepKind.PUBLICATION: Role.GOV_OFFICE,
}


@dataclass
class ScanResult:
    steps: int = 0
    batches: int = 0
    created: int = 0
    queries_per_batch: list[int] = field(default_factory=list)


class Days:
    """Working days between dates, one calendar per scan, memoized per date (due dates repeat)."""

    def __init__(self, today: date):
        self.today = today
        self.calendar = WorkingDayCalendar()
        self._between: dict[tuple[date, date], int] = {}

    def is_working_day(self, day: date) -> bool:
        return self.calendar.is_working_day(day)[0]

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        key = (start, end)
        if key not in self._between:
            count, day = 0, start
            while day < end:
                day += timedelta(days=1)
                count += self.is_working_day(day)
            self._between[key] = count
        return self._between[key]

    def horizon(self, working_days: int) -> date:
        """The last date with at most `working_days` working days left from today."""
        day, seen = self.today, 0
        while True:
            following = day + timedelta(days=1)
            if self.is_working_day(following):
                if seen == working_days:
                    return day
                seen += 1
            day = following


@dataclass(frozen=True)
class Rules:
    thresholds: tuple[int, ...]
    escalate_after: int


def _rules_by_organ() -> dict[int, Rules]:
    rules = {}
    for profile in ProcedureProfile.objects.all():
        raw = getattr(profile, "reminder_days_before_due", None) or DEFAULT_THRESHOLDS
        thresholds = tuple(sorted({int(day) for day in raw if str(day).lstrip("-").isdigit() and int(day) >= 0}))
        escalate = getattr(profile, "escalate_after_working_days", None)
        rules[profile.organ_id] = Rules(
            thresholds or DEFAULT_THRESHOLDS, DEFAULT_ESCALATION if escalate is None else escalate
        )
    return rules


class People:
    """Who holds which role where, for one scan: unit roles per unit (read per batch), organ-wide roles per organ
    (read once)."""

    def __init__(self):
        organizations = {
            pk: (parent, kind) for pk, parent, kind in Organization.objects.values_list("pk", "parent_id", "kind")
        }
        self._organ_of: dict[int, int | None] = {}
        for pk in organizations:
            node, organ = pk, None
            while node is not None:
                parent, kind = organizations[node]
                if kind == Organization.Kind.GOVERNMENT:
                    organ = node
                    break
                node = parent
            self._organ_of[pk] = organ
        self.organ_wide: dict[tuple[int, str], list[int]] = defaultdict(list)
        roles = [Role.LEGAL_REVIEWER.value, Role.GOV_OFFICE.value]
        for user_id, organization_id, role in (
            User.objects.filter(is_active=True, groups__name__in=roles, organization__isnull=False)
            .values_list("pk", "organization_id", "groups__name")
            .order_by("pk")
        ):
            self.organ_wide[(self._organ_of.get(organization_id), role)].append(user_id)
        self.in_unit: dict[tuple[int, str], list[int]] = {}

    def load_units(self, unit_ids: set[int]) -> None:
        """One query: the drafters, heads and evaluators of these units."""
        self.in_unit = defaultdict(list)
        roles = [Role.DRAFTER.value, Role.DEPT_HEAD.value, Role.EVALUATOR.value]
        for user_id, organization_id, role in (
            User.objects.filter(is_active=True, groups__name__in=roles, organization_id__in=unit_ids)
            .values_list("pk", "organization_id", "groups__name")
            .order_by("pk")
        ):
            self.in_unit[(organization_id, role)].append(user_id)

    def unit(self, unit_id: int | None, role: Role) -> list[int]:
        return self.in_unit.get((unit_id, role.value), []) if unit_id else []

    def organ(self, organ_id: int, role: Role) -> list[int]:
        return self.organ_wide.get((organ_id, role.value), [])


def responsible(step: Step, people: People) -> list[int]:
    """Who must act on the step now: the person who fills it in, the head who approves it, the office concerned."""
    decision = step.decision
    if step.kind in ORGAN_KINDS:
        return people.organ(decision.organ_id, ORGAN_KINDS[step.kind])
    if step.kind == StepKind.POST_EVALUATION and decision.evaluator_org_id:
        return people.unit(decision.evaluator_org_id, Role.EVALUATOR)
    if step.kind == StepKind.EXECUTION:
        return people.unit(decision.execution_unit_id or decision.undertaking_unit_id, Role.DRAFTER)
    if step.status == StepStatus.SUBMITTED:
        return people.unit(decision.undertaking_unit_id, Role.DEPT_HEAD)
    drafters = people.unit(decision.undertaking_unit_id, Role.DRAFTER)
    # The drafter who proposed the decision is the one who carries it (承办人), while they still draft in the unit.
    return [decision.created_by_id] if decision.created_by_id in drafters else drafters


def _steps(after: tuple[date, int] | None, horizon: date, batch_size: int) -> list[Step]:
    steps = Step.objects.filter(status__in=WAITING, due_on__isnull=False, due_on__lte=horizon).exclude(
        requirement="not_applicable"
    )
    if after is not None:
        due, pk = after
        steps = steps.filter(Q(due_on__gt=due) | Q(due_on=due, pk__gt=pk))
    return list(steps.select_related("decision").order_by("due_on", "pk")[:batch_size])


def _notice(recipient: int, step: Step, kind: str, threshold: str, days: int, now) -> Notice:
    decision = step.decision
    kind_label = StepKind(step.kind).label
    if kind == Notice.Kind.REMINDER:
        if days == 0:
            text = _("%(step)s is due today (%(date)s)")
        else:
            text = _("%(step)s is due in %(days)s working days (%(date)s)")
    else:
        text = _("%(step)s is %(days)s working days overdue (due %(date)s)")
    subject = f"{decision.number} {decision.title}：" + text % {
        "step": kind_label,
        "days": days,
        "date": step.due_on.isoformat(),
    }
    return Notice(
        recipient_id=recipient,
        kind=kind,
        step=step,
        decision=decision,
        threshold=threshold,
        subject=subject[:300],
        url=f"/manage/steps/{step.pk}/",
        due_on=step.due_on,
        created_at=now,
    )


def scan_deadlines(*, today: date | None = None, batch_size: int = BATCH_SIZE, count_queries=None) -> ScanResult:
    """Create the notices due today for every waiting step with a due date; idempotent, batched."""
    from django.conf import settings

    today = today or timezone.localdate()
    now = timezone.now()
    days = Days(today)
    rules = _rules_by_organ()
    widest = max((max(rule.thresholds) for rule in rules.values()), default=max(DEFAULT_THRESHOLDS))
    horizon = days.horizon(widest)
    people = People()
    working_today = days.is_working_day(today)
    result = ScanResult()
    after = None
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            before = count_queries() if count_queries else 0
            steps = _steps(after, horizon, batch_size)
            if not steps:
                break
            after = (steps[-1].due_on, steps[-1].pk)
            result.batches += 1
            result.steps += len(steps)
            units = set()
            for step in steps:
                decision = step.decision
                units.update(
                    pk
                    for pk in (decision.undertaking_unit_id, decision.execution_unit_id, decision.evaluator_org_id)
                    if pk
                )
            people.load_units(units)
            notices = []
            for step in steps:
                rule = rules.get(step.decision.organ_id) or Rules(DEFAULT_THRESHOLDS, DEFAULT_ESCALATION)
                acting = responsible(step, people)
                if step.due_on >= today:
                    left = days.between(today, step.due_on)
                    fitting = [threshold for threshold in rule.thresholds if left <= threshold]
                    if not fitting:
                        continue
                    threshold = min(fitting)
                    for user_id in acting:
                        notices.append(_notice(user_id, step, Notice.Kind.REMINDER, f"before:{threshold}", left, now))
                    continue
                if not working_today:
                    continue  # overdue notices go out on working days only
                late = days.between(step.due_on, today)
                marker = f"overdue:{today.isoformat()}"
                heads = people.unit(step.decision.undertaking_unit_id, Role.DEPT_HEAD)
                for user_id in dict.fromkeys([*acting, *heads]):
                    notices.append(_notice(user_id, step, Notice.Kind.OVERDUE, marker, late, now))
                if late >= rule.escalate_after:
                    legal = people.organ(step.decision.organ_id, Role.LEGAL_REVIEWER)
                    for user_id in legal:
                        if user_id not in acting and user_id not in heads:
                            notices.append(_notice(user_id, step, Notice.Kind.ESCALATION, marker, late, now))
            if notices:
                # What earlier scans already told (one query), so that only new notices are written and counted;
                # the unique constraints still guard a scan running at the same moment (ignore_conflicts).
                told = set(
                    Notice.objects.filter(
                        step_id__in={notice.step_id for notice in notices},
                        threshold__in={notice.threshold for notice in notices},
                    ).values_list("recipient_id", "step_id", "threshold")
                )
                fresh = [n for n in notices if (n.recipient_id, n.step_id, n.threshold) not in told]
                if fresh:
                    Notice.objects.bulk_create(fresh, ignore_conflicts=True)  # one INSERT on PostgreSQL
                result.created += len(fresh)
            if count_queries:
                result.queries_per_batch.append(count_queries() - before)
            if len(steps) < batch_size:
                break
    return result
