"""One decision transition, with its ledger append, on a small ledger and on a large one.

Each timed call is one real service call, one transaction: `catalog_decision` (proposed → cataloged), then, on
the same decisions, `withdraw_decision` (cataloged → withdrawn): lock the decision (select_for_update), check
permission, state and guards, save it and its history row, take the ledger's advisory lock, read the chain
head, hash, insert the event, commit. Appending reads the head by primary key, so the time must not grow with
the ledger: the ratio of the medians (large / small) must stay at or under MAX_RATIO.

Each scale has a database of its own (`<bench database>_<scale>`), built fresh: the world, the decisions
(untimed), then synthetic events up to the scale (bench.generate: one COPY, a valid chain), ANALYZE. After one
CHECKPOINT, the timed calls alternate between the scales (small, large, large, small, …), each on its own warm
connection, so that whatever else the machine does weighs on both alike. The first WARMUP calls per scale are
not recorded. Last, the chain is checked: whole up to FULL_VERIFY_UP_TO events, else the seam into the
generated events and the tail.
"""

import gc
import time
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

from django.db import connection

from accountability.ledger import head_hash, verify_chain
from accountability.models import LedgerEvent
from decisions import services
from decisions.models import Decision

from .database import BenchDatabase
from .generate import DECISION_ID_BASE, TABLE, GenerateStats, generate_events, verify_tail, verify_window
from .harness import Benchmark, Check, Context, Measurement, Result, time_call
from .world import build_world, make_decisions

SCALES = (1_000, 1_000_000)
QUICK_SCALES = (1_000, 20_000)
RUNS = 50
WARMUP = 5
MAX_RATIO = 1.2
FULL_VERIFY_UP_TO = 100_000
WITHDRAW_REASON = "目录调整，暂缓实施。"


def head_lookup_plan() -> str:
    """The plan of the head lookup that record_event runs (ORDER BY id DESC LIMIT 1)."""
    return LedgerEvent.objects.order_by("-id").values_list("hash", flat=True)[:1].explain()


@dataclass
class Stage:
    """One scale: its database, world and decisions, and what the generator wrote."""

    scale: int
    database: BenchDatabase
    world: SimpleNamespace
    decisions: list[Decision]
    bulk: GenerateStats
    present: int


def _catalog(stage: Stage, index: int) -> None:
    services.catalog_decision(decision=stage.decisions[index], actor=stage.world.gov)


def _withdraw(stage: Stage, index: int) -> None:
    services.withdraw_decision(decision=stage.decisions[index], actor=stage.world.gov, reason=WITHDRAW_REASON)


class TransitionLedger(Benchmark):
    name = "transition_ledger"
    description = "one decision transition with its ledger append (catalog, withdraw), small vs large ledger"

    def run(self, ctx: Context) -> Result:
        scales = QUICK_SCALES if ctx.quick else SCALES
        runs = ctx.runs or RUNS
        result = Result()
        stages = [self._setup(ctx, scale, runs + WARMUP, result) for scale in scales]
        checkpoint = ctx.database.checkpoint()
        ctx.log(f"CHECKPOINT {checkpoint:.1f} s" if checkpoint is not None else "CHECKPOINT not permitted")
        try:
            for case, action in (("catalog", _catalog), ("withdraw", _withdraw)):
                ctx.log(f"timing {case}: {runs} runs + {WARMUP} warm-up per scale, interleaved")
                samples = self._interleaved(stages, action, runs)
                baseline = None
                for stage in stages:
                    measurement = Measurement(self.name, case, stage.scale, samples[stage.scale], baseline)
                    baseline = baseline or measurement
                    result.measurements.append(measurement)
            for stage in stages:
                self._check_chain(ctx, result, stage, appended=2 * len(stage.decisions))
        finally:
            for stage in stages:
                if ctx.keep_databases:
                    stage.database.close()
                else:
                    stage.database.drop()
        for measurement in result.measurements:
            if measurement.ratio is not None:
                base = measurement.baseline
                result.checks.append(
                    Check(
                        f"{measurement.case}: median({measurement.scale:,}) / median({base.scale:,}) ≤ {MAX_RATIO}",
                        measurement.ratio <= MAX_RATIO,
                        f"{measurement.ratio:.3f} ({measurement.median_ms:.2f} ms vs {base.median_ms:.2f} ms)",
                    )
                )
        return result

    def _setup(self, ctx: Context, scale: int, decisions: int, result: Result) -> Stage:
        database = ctx.database.sibling(str(scale))
        ctx.log(f"{scale:,}: fresh database {database.name} ({database.recreate():.1f} s)")
        with database.activate():
            started = time.perf_counter()
            world = build_world()
            made = make_decisions(world, decisions)
            ctx.log(f"{scale:,}: world and {len(made)} decisions in {time.perf_counter() - started:.1f} s")
            present = LedgerEvent.objects.count()
            if scale < present:
                raise RuntimeError(f"scale {scale:,} is smaller than the {present:,} events the setup writes")
            bulk = generate_events(scale - present, progress=ctx.log, progress_every=250_000)
            analyze = database.analyze(TABLE)
            present = LedgerEvent.objects.count()
            ctx.log(
                f"{scale:,}: generated {bulk.count:,} events in {bulk.seconds:.1f} s "
                f"({bulk.per_second:,.0f}/s); ANALYZE {analyze:.1f} s; {present:,} events present"
            )
            if bulk.count:
                result.notes.append(
                    f"{bulk.count:,} events generated in {bulk.seconds:.1f} s "
                    f"({bulk.per_second:,.0f} events/s), ANALYZE {analyze:.1f} s"
                )
            if head_hash() != bulk.head_hash:
                raise RuntimeError("the chain head is not the last generated event")
            plan = head_lookup_plan()
        result.checks.append(
            Check(
                f"head lookup is an index scan at {present:,} events",
                "Index Scan" in plan and "Seq Scan" not in plan,
                " ".join(plan.split()),
            )
        )
        return Stage(scale, database, world, made, bulk, present)

    def _interleaved(self, stages: list[Stage], action, runs: int) -> dict[int, list[float]]:
        samples: dict[int, list[float]] = {stage.scale: [] for stage in stages}
        gc.collect()
        for index in range(WARMUP + runs):
            for stage in stages if index % 2 == 0 else reversed(stages):
                with stage.database.activate():
                    elapsed = time_call(partial(action, stage, index))
                if index >= WARMUP:
                    samples[stage.scale].append(elapsed)
        return samples

    def _check_chain(self, ctx: Context, result: Result, stage: Stage, appended: int) -> None:
        started = time.perf_counter()
        with stage.database.activate():
            total = LedgerEvent.objects.count()
            if total <= FULL_VERIFY_UP_TO:
                verdict = verify_chain()
                ok, checked = verdict.ok, verdict.verified
                broken_at, problem = verdict.broken_at, verdict.problem
                what = "whole chain"
            else:
                seam = verify_window(stage.bulk.first_id, stage.bulk.first_id + 99)
                tail = verify_tail(appended + 100)
                failed = seam if not seam.ok else tail
                ok, checked = seam.ok and tail.ok, seam.checked + tail.checked
                broken_at, problem = failed.broken_at, failed.problem
                what = "seam and tail"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM {TABLE} WHERE action IN ('decision.catalog', 'decision.withdraw') "
                    "AND decision_id < %s",
                    [DECISION_ID_BASE],
                )
                transitions = cursor.fetchone()[0]
        ctx.log(f"{stage.scale:,}: chain check ({what}) in {time.perf_counter() - started:.1f} s")
        result.checks.append(
            Check(
                f"ledger chain valid at {total:,} events ({what})",
                ok and transitions == appended,
                f"{checked:,} events checked; {transitions} transition events appended, {appended} expected"
                + ("" if ok else f"; broken at #{broken_at}: {problem}"),
            )
        )
