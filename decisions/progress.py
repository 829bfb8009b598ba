"""Each decision's progress as the public reads it: how many steps of its own procedure apply, and which kinds are
done. It is kept on the decision (`Decision.steps_applicable`, `Decision.steps_done_bits`) by every save of a step
(`Step.save`), so that a catalog of two hundred entries reads its decisions' progress with their statuses instead of
grouping their 2,600 steps on every page view (docs/benchmarks.md, the portal).

The count reads each step kind's latest round (a returned review's next round replaces it) of the decision's own
procedure (adjustment round 0; an adjustment's steps are a procedure of their own). A step marked not applicable is
not counted. `progress_of` computes the same from the steps themselves; tests hold the two together."""

from functools import cache

from django.db import connection

from .procedure import Requirement, StepKind, StepStatus

# A bit per step kind. Stored: a kind added later goes at the end (or `refresh_progress()` recomputes every decision).
STEP_BITS = {kind: 1 << index for index, kind in enumerate(StepKind)}

# The decision's columns that keep it: written by `refresh_progress` only (`Decision.save` leaves them alone).
PROGRESS_COLUMNS = frozenset({"steps_applicable", "steps_done_bits"})

# The step fields the progress depends on: a save that changes none of them (a due date) leaves it alone.
PROGRESS_FIELDS = frozenset({"decision", "decision_id", "kind", "round", "adjustment_round", "requirement", "status"})


def progress_of(steps) -> tuple[int, int]:
    """(the steps that apply, the `STEP_BITS` of the kinds done) of one decision's steps (objects with `kind`,
    `round`, `adjustment_round`, `requirement` and `status`)."""
    latest = {}
    for step in steps:
        if step.adjustment_round == 0 and (step.kind not in latest or step.round > latest[step.kind].round):
            latest[step.kind] = step
    applicable = [step for step in latest.values() if step.requirement != Requirement.NOT_APPLICABLE]
    bits = sum(STEP_BITS.get(step.kind, 0) for step in applicable if step.status == StepStatus.DONE)
    return len(applicable), bits


@cache
def _refresh_sql() -> str:
    """The UPDATE of `refresh_progress`: the same count as `progress_of`, in SQL both databases run."""
    from .models import Decision, Step

    decisions, steps = Decision._meta.db_table, Step._meta.db_table
    # Nothing from outside goes into the text (table names, the step kinds); the values are parameters.
    latest = (
        f"FROM {steps} s WHERE s.decision_id = {decisions}.id AND s.adjustment_round = 0 "  # noqa: S608
        f"AND s.requirement <> %(na)s AND s.round = (SELECT MAX(r.round) FROM {steps} r "
        f"WHERE r.decision_id = s.decision_id AND r.adjustment_round = 0 AND r.kind = s.kind)"
    )
    kinds = " ".join(f"WHEN '{kind.value}' THEN {bit}" for kind, bit in STEP_BITS.items())
    return (
        f"UPDATE {decisions} SET steps_applicable = (SELECT COUNT(*) {latest}), "  # noqa: S608
        f"steps_done_bits = (SELECT COALESCE(SUM(CASE s.kind {kinds} ELSE 0 END), 0) {latest} "
        f"AND s.status = %(done)s)"
    )


def refresh_progress(decision_id: int | None = None) -> None:
    """Recompute the progress kept on a decision (every decision when `decision_id` is None: a migration, the
    benchmark's data) from its steps: one statement."""
    sql = _refresh_sql()
    params = {"na": Requirement.NOT_APPLICABLE.value, "done": StepStatus.DONE.value}
    if decision_id is not None:
        sql += " WHERE id = %(decision)s"
        params["decision"] = decision_id
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
