"""Storing due dates on the steps (`Step.due_on`, `Step.due_is_provisional`), and moving them when their basis
changes: a step opens, a new round starts, a record changes the date its rule reads (a consultation's end, a
hearing's date), a progress report is made, the holiday calendar changes.

A due date is never moved silently: each change of an existing date writes a `step.due_moved` ledger event with the
date before and after and the reason — except inside a transition of the table, which writes exactly one event: there
the moves it causes are collected (`moves=[]`) and recorded in that event, under `due_moved` (`due_moves_after`).
Setting a first date (a step opening) is part of the act that opened it; a recomputation that gives the same date
changes nothing and writes nothing.

These run inside the caller's transaction (the act that changed the basis, or the holiday change).
"""

import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.models import User
from workdays.calendar import ComputedDate, WorkingDayCalendar, using_calendar

from ..deadlines import (
    NOT_LOADED,
    adjustment_due_after_evaluation,
    adjustment_due_after_suspension,
    due_date_for,
    due_dates_for,
)
from ..models import Adjustment, Decision, ProcedureProfile, Step
from ..procedure import ENDED_STATES, Requirement, StepKind, StepStatus

logger = logging.getLogger(__name__)

# The steps somebody still waits on: their due dates follow their basis. A step not yet open keeps a due date only
# where its rule gives one (an evaluation due after a year of execution, an adjustment's meeting).
WAITING_STATUSES = (StepStatus.OPEN, StepStatus.SUBMITTED, StepStatus.RETURNED, StepStatus.APPROVED)
BATCH_SIZE = 200
# How far before a changed calendar day a due date may still depend on it: a "no later than" date on a rest day
# moves back to the working day before (a hearing's materials), across at most a long holiday.
LOOK_BACK = timedelta(days=31)


def apply_due_date(
    step: Step,
    actor: User | None,
    reason: str = "",
    *,
    profile: ProcedureProfile | None = None,
    record=NOT_LOADED,
    computed=NOT_LOADED,
    moves: list | None = None,
) -> bool:
    """Put the step's due date by its rule on the step (the caller saves it); a moved date writes `step.due_moved`,
    or, inside a transition, is added to `moves` for the transition's one event. Returns whether anything changed."""
    if computed is NOT_LOADED:
        profile = profile or ProcedureProfile.for_organ(step.decision.organ)
        computed = due_date_for(step, profile, record)
    new = (computed.value, computed.provisional) if computed is not None else (None, False)
    old = (step.due_on, step.due_is_provisional)
    if new == old:
        return False
    step.due_on, step.due_is_provisional = new
    if old[0] is not None and old[0] != new[0] and step.pk is not None:
        if moves is not None:
            moves.append(
                {
                    "step": step.pk,
                    "kind": step.kind,
                    "round": step.round,
                    "before": {"due_on": old[0], "due_is_provisional": old[1]},
                    "after": {"due_on": new[0], "due_is_provisional": new[1]},
                    "reason": reason,
                }
            )
            return True
        record_event(
            actor=actor,
            action="step.due_moved",
            obj=step,
            decision_id=step.decision_id,
            before={"due_on": old[0], "due_is_provisional": old[1]},
            after={"due_on": new[0], "due_is_provisional": new[1]},
            reason=reason,
        )
    return True


def set_due_date(
    step: Step,
    actor: User | None,
    reason: str = "",
    *,
    profile: ProcedureProfile | None = None,
    record=NOT_LOADED,
    moves: list | None = None,
) -> ComputedDate | None:
    """Compute the step's due date by its rule, store it with its provisional flag, and when an existing date moves,
    write `step.due_moved` (before, after, `reason`; inside a transition: into `moves`). Returns the date (None: the
    step is due at no date)."""
    profile = profile or ProcedureProfile.for_organ(step.decision.organ)
    computed = due_date_for(step, profile, record)
    if apply_due_date(step, actor, reason, computed=computed, moves=moves):
        _save(step, actor)
    return computed


def due_moves_after(moves: list) -> dict:
    """What a transition adds to its event's `after` for the due dates it moved (nothing when none moved)."""
    return {"due_moved": moves} if moves else {}


def clear_superseded_due_date(step: Step, successor_round: int, actor: User | None, moves: list | None = None) -> None:
    """A round ended without being done (a legality review returned, a meeting deferred) and superseded by the next
    round waits for nothing: its due date goes (`step.due_moved`, to none), the new round has its own."""
    if step.due_on is None or step.status in (StepStatus.DONE, StepStatus.CLOSED):
        return
    reason = _("superseded by round %(round)s") % {"round": successor_round}
    if apply_due_date(step, actor, reason, computed=None, moves=moves):
        _save(step, actor)


def _save(step: Step, actor: User | None) -> None:
    step._history_user = actor
    step.save(update_fields=["due_on", "due_is_provisional"])


def set_adjustment_due(
    adjustment: Adjustment, computed: ComputedDate, actor: User | None, reason: str = "", moves: list | None = None
) -> None:
    """Store the date an adjustment is to be decided by; its round's collective discussion carries it
    (`deadlines._meeting_due`), moved with `step.due_moved` if it had another."""
    adjustment.due_on = computed.value
    adjustment._history_user = actor
    adjustment.save()
    meeting = (
        Step.objects.filter(
            decision_id=adjustment.decision_id,
            kind=StepKind.COLLECTIVE_DISCUSSION,
            adjustment_round=adjustment.number,
        )
        .select_related("decision")
        .order_by("-round")
        .first()
    )
    if meeting is not None and meeting.status not in (StepStatus.DONE, StepStatus.CLOSED):
        set_due_date(meeting, actor, reason, moves=moves)


def due_after_evaluation(decision: Decision, evaluated_on: date) -> ComputedDate:
    return adjustment_due_after_evaluation(evaluated_on, ProcedureProfile.for_organ(decision.organ))


def due_after_suspension(decision: Decision, suspended_on: date) -> ComputedDate:
    return adjustment_due_after_suspension(suspended_on, ProcedureProfile.for_organ(decision.organ))


# ---------------------------------------------------------------- recomputing many (the calendar changed)


def recompute_due_dates(steps, *, actor: User | None, reason: str, batch_size: int = BATCH_SIZE) -> list[Step]:
    """Compute again the due dates of `steps` (a queryset) and store those that change, each moved date with its
    `step.due_moved` event. In batches: per batch the decisions are locked (so no act on them is overwritten), the
    steps read with what their rules need (records, profiles, reports: a fixed number of queries), and only the
    changed steps written. One calendar for the whole run, read after the change. Returns the steps changed."""
    ids = list(steps.order_by("pk").values_list("pk", flat=True))
    changed: list[Step] = []
    with using_calendar(WorkingDayCalendar()) as calendar:
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            decision_ids = sorted(set(Step.objects.filter(pk__in=chunk).values_list("decision_id", flat=True)))
            list(Decision.objects.select_for_update().filter(pk__in=decision_ids).order_by("pk").values_list("pk"))
            batch = list(
                Step.objects.filter(pk__in=chunk).select_related("decision", "decision__adjustment").order_by("pk")
            )
            computed = due_dates_for(batch, calendar)
            for step in batch:
                if apply_due_date(step, actor, reason, computed=computed[step.pk]):
                    _save(step, actor)
                    changed.append(step)
    return changed


def steps_waited_on():
    """The steps whose due dates follow their basis: the latest round of their kind, still waited on (open,
    submitted, returned, approved, or not yet open with a due date by their rule), applicable, of a decision whose
    procedure has not ended."""
    still_waited_on = Q(status__in=WAITING_STATUSES) | Q(status=StepStatus.PENDING, due_on__isnull=False)
    later_round = Step.objects.filter(decision=OuterRef("decision"), kind=OuterRef("kind"), round__gt=OuterRef("round"))
    return (
        Step.objects.exclude(requirement=Requirement.NOT_APPLICABLE)
        .exclude(decision__status__in=list(ENDED_STATES))
        .filter(still_waited_on)
        .exclude(Exists(later_round))  # a round superseded by the next waits for nothing
    )


def steps_affected_by(dates: list[date]):
    """The steps whose due dates a change of the calendar on `dates` may move: those still waited on whose due date
    falls on or after the first of them (less a long holiday, for dates moved back to a working day), and every
    provisional one."""
    affected = Q(due_is_provisional=True)
    if dates:
        affected |= Q(due_on__gte=min(dates) - LOOK_BACK)
    return steps_waited_on().filter(affected)


def on_calendar_changed(sender, *, actor=None, dates=(), reason: str = "", **kwargs) -> None:
    """`workdays.signals.calendar_changed`: move the due dates the holiday change affects, in its transaction."""
    with transaction.atomic():
        moved = recompute_due_dates(
            steps_affected_by(list(dates)), actor=actor, reason=reason or _("holiday calendar changed")
        )
    if moved:
        logger.info("%s: %s due dates moved", reason, len(moved))
