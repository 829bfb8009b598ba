"""The deadline scan (notifications.scan.scan_deadlines) over 10,000 and 100,000 open steps, with 1,000,000 notices
already sent.

Each scale has a database of its own (`<bench database>_deadlines_<steps>`), built fresh with COPY: the world
(bench.world) plus fifty departments, each with a drafter and a head; one decision in drafting per open step, spread
over the departments; one open step each, due between 10 days before and 110 days after the scan's day (about one
in twelve overdue, one in twenty-five within the three working days of a reminder); then the notices earlier days
left behind — 1,000,000 rows (100,000 with `--quick`), overdue notices of past days and reminders, on the same steps
and people, so that the scan's look-up of "already told" runs against a full table. ANALYZE, CHECKPOINT.

Timed (the scan's own day is a Tuesday, a working day):
  * first — the first scan of the day: reads the steps due within the window, creates the day's notices;
  * again — the same scan again, a minute later: nothing new to create (what every later tick of the day costs).
The queries of each batch are counted (connection.execute_wrapper): the checks are that every full batch runs the
same number of queries whatever its steps (no query per step) and that the scan time grows at most linearly with the
steps (ratio of 100,000 to 10,000 steps ≤ 10 × 1.25 for slack).
"""

import random
import time
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction

from accounts.models import Organization
from accounts.roles import Role
from decisions.models import Decision, Step
from notifications.models import Notice
from notifications.scan import BATCH_SIZE, scan_deadlines

from .bench_workspace import _copy, _defaults
from .harness import Benchmark, Check, Context, Measurement, Result, time_call
from .world import build_world, make_org, make_user

TODAY = date(2026, 12, 1)  # a Tuesday
SCALES = ((10_000, 1_000_000), (100_000, 1_000_000))
QUICK_SCALES = ((2_000, 100_000), (20_000, 100_000))
UNITS = 50
RUNS = 3


def _people(world) -> list[tuple[Organization, int, int]]:
    units = []
    for number in range(UNITS):
        unit = make_org(f"unit{number}", f"市第{number}局", Organization.Kind.DEPARTMENT, world.city)
        drafter = make_user(f"drafter{number}", unit, Role.DRAFTER, name=f"起草{number}")
        head = make_user(f"head{number}", unit, Role.DEPT_HEAD, name=f"处长{number}")
        units.append((unit, drafter.pk, head.pk))
    return units


def _decision_rows(world, units, count: int):
    base = _defaults(Decision)
    for index in range(count):
        unit, drafter_id, _head = units[index % len(units)]
        yield base | {
            "number": f"2026-{index + 1:06d}",
            "title": "关于调整城市供水价格的决定",
            "search_text": "",
            "year": 2026,
            "scope_category": "public_policy",
            "organ_id": world.city.pk,
            "undertaking_unit_id": unit.pk,
            "status": "drafting",
            "created_by_id": drafter_id,
        }


def _step_rows(decisions, seed: int = 7):
    rng = random.Random(seed)
    base = _defaults(Step)
    for decision_id, organ_id in decisions:
        yield base | {
            "decision_id": decision_id,
            "organ_id": organ_id,
            "kind": "risk_assessment",
            "requirement": "required",
            "status": "open",
            "due_on": TODAY + timedelta(days=rng.randint(-10, 110)),
        }


def _notice_rows(steps, drafters_by_decision, count: int):
    """Overdue notices of the days before, a day per pass over the steps (100 days back for 10,000 steps)."""
    base = _defaults(Notice)
    created = datetime(2026, 11, 1, tzinfo=UTC)
    index = 0
    while index < count:
        for step_id, decision_id in steps:
            if index >= count:
                return
            day = TODAY - timedelta(days=1 + index // len(steps))  # each pass over the steps: a day earlier
            yield base | {
                "recipient_id": drafters_by_decision[decision_id],
                "kind": "overdue",
                "step_id": step_id,
                "decision_id": decision_id,
                "threshold": f"overdue:{day.isoformat()}",
                "subject": "到期提醒",
                "created_at": created,
                "mailed_at": created,
                "read_at": created,
            }
            index += 1


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Deadlines(Benchmark):
    name = "deadlines"
    description = "the deadline scan over 10,000 vs 100,000 open steps with 1,000,000 notices sent"

    def run(self, ctx: Context) -> Result:
        scales = QUICK_SCALES if ctx.quick else SCALES
        runs = ctx.runs or RUNS
        result = Result()
        baselines: dict[str, Measurement] = {}
        for steps, notices in scales:
            database = ctx.database.sibling(f"deadlines_{steps}")
            ctx.log(f"{steps:,}: fresh database {database.name} ({database.recreate():.1f} s)")
            try:
                with database.activate():
                    self._build(ctx, steps, notices)
                    database.analyze()
                    ctx.database.checkpoint()
                    first, again, counts, scan = self._time(runs)
                for case, samples in (("first", first), ("again", again)):
                    measurement = Measurement(self.name, case, steps, samples, baselines.get(case))
                    baselines.setdefault(case, measurement)
                    result.measurements.append(measurement)
                full = counts[:-1] or counts
                result.notes.append(
                    f"{steps:,} open steps, {notices:,} notices sent: {scan.steps:,} steps in the window, "
                    f"{scan.batches} batches of ≤ {BATCH_SIZE}, {scan.created:,} notices created; queries per batch "
                    f"{sorted(set(full))}"
                )
                result.checks.append(
                    Check(f"{steps:,}: the same number of queries in every full batch", len(set(full)) == 1, str(full))
                )
            finally:
                if ctx.keep_databases:
                    database.close()
                else:
                    database.drop()
        for case in ("first", "again"):
            small, large = (m for m in result.measurements if m.case == case)
            growth = large.scale / small.scale
            result.checks.append(
                Check(
                    f"{case}: scan time grows at most linearly ({large.ratio:.2f} for {growth:.0f}× the steps)",
                    large.ratio <= growth * 1.25,
                )
            )
        return result

    def _build(self, ctx: Context, steps: int, notices: int) -> None:
        started = time.perf_counter()
        world = build_world()
        units = _people(world)
        with transaction.atomic():
            _copy(Decision, _decision_rows(world, units, steps))
        decisions = list(Decision.objects.order_by("pk").values_list("pk", "organ_id", "created_by_id"))
        with transaction.atomic():
            _copy(Step, _step_rows([(pk, organ) for pk, organ, _creator in decisions]))
        drafters = {pk: creator for pk, _organ, creator in decisions}
        step_ids = list(Step.objects.order_by("pk").values_list("pk", "decision_id"))
        with transaction.atomic():
            _copy(Notice, _notice_rows(step_ids, drafters, notices))
        ctx.log(f"{steps:,}: decisions, steps and {notices:,} notices in {time.perf_counter() - started:.1f} s")

    def _time(self, runs: int):
        counter = _QueryCounter()
        first, again, counts, scan = [], [], [], None
        for run in range(runs):
            with transaction.atomic():
                with connection.execute_wrapper(counter):
                    holder = {}

                    def scan_once(holder=holder):
                        holder["result"] = scan_deadlines(today=TODAY, count_queries=lambda: counter.count)

                    first.append(time_call(scan_once))
                    if run == 0:
                        scan = holder["result"]
                        counts = scan.queries_per_batch
                    again.append(time_call(lambda: scan_deadlines(today=TODAY)))
                transaction.set_rollback(True)  # the next run's first scan finds the day untold again
        return first, again, counts, scan
