"""Due dates: when each step is due, by its rule and the organ's procedure profile, computed with the working-day
calendar (`workdays.calendar`). A read only; `services.deadlines` stores the result on the step.

Where the law gives a period, the rule is the law's; where it gives none, the organ's target for the kind
(`ProcedureProfile.step_target_working_days`, in working days from the day the step opened). A step app says how
its kinds are due through the registry (`StepOwner.due_date`); `decisions` computes its own kinds here:

* the collective discussion — of an adjustment round whose adjustment has a deadline, that deadline; else the
  target from when it opened (the lawful opinion);
* the publication — the target from the decision (20 working days: Regulations on Open Government Information,
  Art. 26);
* the execution — the next progress report: the execution record's cadence (monthly, quarterly, every half year)
  from the last report, or from the start of execution (Art. 34–35);
* the reports to the party committee and the congress, and any kind without a rule — the target.

Every date says whether it is *provisional*: computed across (or falling in) a year whose holidays are not yet
known, it may still move when the legal office enters that year.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workdays.calendar import (
    ComputedDate,
    WorkingDayCalendar,
    add_working_days,
    months_period_end,
    on_date,
    period_end,
    using_calendar,
    working_days_left,
)

from . import registry
from .models import ADJUSTMENT_TARGET, Adjustment, Execution, ExecutionReport, ProcedureProfile, Step
from .procedure import Requirement, StepKind, StepStatus

__all__ = [
    "ComputedDate",
    "DueStanding",
    "adjustment_due_after_evaluation",
    "adjustment_due_after_suspension",
    "due_date_for",
    "due_dates_for",
    "due_standing",
    "opened_on",
    "target_due",
]

NOT_LOADED = object()  # the record was not looked up yet (None: there is none)
# Statuses in which nobody waits on a step any more: its due date is history, no working days are counted.
FINISHED = (StepStatus.DONE, StepStatus.CLOSED)


def opened_on(step: Step) -> date | None:
    """The day the step opened, in local time (None: not open yet)."""
    return timezone.localdate(step.opened_at) if step.opened_at else None


def target_due(step: Step, profile: ProcedureProfile) -> ComputedDate | None:
    """The organ's target for the step's kind, in working days from the day it opened (None: not open yet)."""
    opened = opened_on(step)
    days = profile.target_working_days(step.kind)
    if opened is None or days is None:
        return None
    return add_working_days(opened, days)


def adjustment_of(step: Step) -> Adjustment | None:
    """The adjustment whose round the step belongs to (None: the decision's own procedure)."""
    if not step.adjustment_round:
        return None
    decision = step.decision
    if decision.adjustment_id and decision.adjustment.number == step.adjustment_round:
        return decision.adjustment
    return Adjustment.objects.filter(decision_id=step.decision_id, number=step.adjustment_round).first()


def _meeting_due(step: Step, profile: ProcedureProfile, record) -> ComputedDate | None:
    adjustment = adjustment_of(step)
    if adjustment is not None and adjustment.due_on:
        return on_date(adjustment.due_on)  # the adjustment is decided by then (its meeting carries the date)
    return target_due(step, profile)


def _execution_due(step: Step, profile: ProcedureProfile, record) -> ComputedDate | None:
    """The next progress report: the cadence's months from the last report (or the start), Art. 34–35."""
    opened = opened_on(step)
    if opened is None or step.status != StepStatus.OPEN:
        return None
    if step.pk is None:
        record, reports = None, []
    else:
        if record is NOT_LOADED:
            record = Execution.objects.filter(step=step).first()
        reports = step.execution_reports.all()
    cadence = record.report_cadence if record is not None else Execution.Cadence.QUARTERLY
    reported = [timezone.localdate(report.reported_at) for report in reports]
    since = max([opened, *reported])
    return months_period_end(since, Execution.CADENCE_MONTHS[Execution.Cadence(cadence)])


OWN_RULES = {
    StepKind.COLLECTIVE_DISCUSSION: _meeting_due,
    StepKind.EXECUTION: _execution_due,
}
OWN_RECORDS = {StepKind.EXECUTION: Execution}


def due_date_for(step: Step, profile: ProcedureProfile, record=NOT_LOADED) -> ComputedDate | None:
    """When the step is due, by its kind's rule (None: it is due at no date, e.g. not open yet or not applicable).
    `record`: the step's typed record when the caller has it (or knows there is none)."""
    if step.requirement == Requirement.NOT_APPLICABLE:
        return None
    owner = registry.owner_of(step.kind)
    if owner is not None and owner.due_date is not None:
        if record is NOT_LOADED:
            record = registry.record_of(step) if step.pk is not None else None
        return owner.due_date(step, record, profile)
    rule = OWN_RULES.get(step.kind)
    if rule is not None:
        return rule(step, profile, record)
    return target_due(step, profile)


def due_dates_for(steps: Iterable[Step], calendar: WorkingDayCalendar | None = None) -> dict[int, ComputedDate | None]:
    """The due dates of many steps at once (by step id): their records one query per kind, their profiles one
    query, their execution reports one query, and one calendar for all. The steps carry their decisions (with the
    running adjustment) as `select_related` fetched them."""
    steps = list(steps)
    by_kind: dict[str, list[Step]] = defaultdict(list)
    for step in steps:
        by_kind[step.kind].append(step)
    records: dict[int, object] = {}
    for kind, group in by_kind.items():
        owner = registry.owner_of(kind)
        model = owner.record_model if owner is not None and owner.due_date is not None else OWN_RECORDS.get(kind)
        if model is not None:
            for record in model.objects.filter(step_id__in=[step.pk for step in group]):
                records[record.step_id] = record
    executions = [
        step
        for step in by_kind.get(StepKind.EXECUTION, [])
        if "execution_reports" not in getattr(step, "_prefetched_objects_cache", {})
    ]
    if executions:
        prefetch_related_objects(
            executions, Prefetch("execution_reports", queryset=ExecutionReport.objects.order_by("id"))
        )
    organs = {step.organ_id or step.decision.organ_id for step in steps}
    profiles = {profile.organ_id: profile for profile in ProcedureProfile.objects.filter(organ_id__in=organs)}
    with using_calendar(calendar):
        result = {}
        for step in steps:
            organ_id = step.organ_id or step.decision.organ_id
            profile = profiles.get(organ_id) or ProcedureProfile(organ_id=organ_id)
            result[step.pk] = due_date_for(step, profile, records.get(step.pk))
        return result


# ---------------------------------------------------------------- the adjustment's deadline (Art. 36–37)


def adjustment_due_after_evaluation(evaluated_on: date, profile: ProcedureProfile) -> ComputedDate:
    """An adjustment an evaluation calls for is decided within the profile's days (calendar days, the last one run
    on to a working day: Civil Code Art. 203)."""
    return period_end(evaluated_on, profile.adjustment_after_evaluation_days)


def adjustment_due_after_suspension(suspended_on: date, profile: ProcedureProfile) -> ComputedDate:
    """After an emergency suspension the adjustment must follow (Art. 37): decided within the organ's target, in
    working days from the suspension."""
    return add_working_days(suspended_on, profile.target_working_days(ADJUSTMENT_TARGET))


# ---------------------------------------------------------------- how a due date reads


@dataclass(frozen=True)
class DueStanding:
    """A due date as the pages show it: the date, whether it is provisional, and the working days left (negative:
    overdue) while somebody still waits on the step (None once it is done)."""

    due_on: date
    provisional: bool = False
    working_days_left: int | None = None
    today: date | None = None

    @property
    def overdue(self) -> bool:
        return self.working_days_left is not None and self.due_on < (self.today or timezone.localdate())

    @property
    def is_today(self) -> bool:
        return self.working_days_left is not None and self.due_on == (self.today or timezone.localdate())

    @property
    def remaining(self) -> str:
        """“3 working days left”, “due today”, “overdue by 2 working days” (empty once nobody waits)."""
        days = self.working_days_left
        if days is None:
            return ""
        if self.overdue:
            if days == 0:  # due on the last day before a rest day: no working day has passed yet
                return _("overdue")
            return ngettext("overdue by %(days)s working day", "overdue by %(days)s working days", -days) % {
                "days": -days
            }
        if self.is_today:
            return _("due today")
        return ngettext("%(days)s working day left", "%(days)s working days left", days) % {"days": days}

    def __str__(self) -> str:
        text = self.due_on.isoformat()
        if self.remaining:
            text = f"{text} · {self.remaining}"
        return text + " · " + str(_("provisional")) if self.provisional else text


def due_standing(
    step: Step | None, *, today: date | None = None, calendar: WorkingDayCalendar | None = None
) -> DueStanding | None:
    """The step's due date as the pages show it (None: it has none). Pass the page's calendar (or share one with
    `using_calendar`) so that a list reads the Holiday table once per year, not once per row."""
    if step is None or step.due_on is None:
        return None
    today = today or timezone.localdate()
    waiting = step.status not in FINISHED and step.requirement != Requirement.NOT_APPLICABLE
    left = working_days_left(step.due_on, today, calendar) if waiting else None
    return DueStanding(step.due_on, step.due_is_provisional, left, today)
