"""The staff workspace's reads on a small organ and in a large city: list, keyword search, my tasks, decision page.

Each scale has a database of its own (`<bench database>_workspace_<decisions>`), built fresh: the world (bench.world),
then, with COPY, the decisions (the world's city holds one in five of them at the large scale, interleaved with four
other cities' so that the organ's rows are spread over the table; all of them at the small scale), three steps per
decision (public participation, expert review, legality review: the review submitted when the decision is under legality
review), then ledger events (bench.generate, a valid chain) pointing at the decisions, twenty per decision from the
first; ANALYZE, CHECKPOINT.

Timed, interleaved between the scales (small, large, large, small, …), each on its own warm connection:
  * staff_list — GET /manage/decisions/ as the government office (organ-wide: ORDER BY year DESC, id DESC LIMIT 21);
  * keyword — GET /manage/decisions/?q=听证 (one title in ten holds the word);
  * my_tasks — `my_tasks()` of the legal office's reviewer (the reviews waiting, the "not applicable" proposals);
  * decision_page — GET /manage/decisions/<pk>/ of a decision with twenty events (one page of the ledger);
  * minimal — a login-required view returning "ok" (bench/urls.py): the middleware, session and user alone.
Pages go through Django's test client with a logged-in user (force_login), the whole middleware stack included.

The EXPLAIN ANALYZE plans of the queries behind them, at the large scale, with the indexes of decisions 0017 and
accountability 0004 and the new query shapes ("after"), and, in a transaction rolled back, without those indexes and
with the old shapes (`decision_id IN (subquery)`, the plain substring search) ("before"), are written to
var/bench_workspace_plans.txt. The checks: each "after" plan uses its index.
"""

import gc
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.urls import clear_url_caches

from accountability.models import LedgerEvent
from accounts.models import Organization
from decisions.models import Decision, Step
from decisions.search import keyword_filter, search_terms
from decisions.selectors import my_tasks, visible_decisions

from .database import BenchDatabase
from .generate import EVENTS_PER_DECISION, generate_events
from .harness import Benchmark, Check, Context, Measurement, Result, time_call
from .world import build_world, make_org

# (decisions in the world's city, decisions in all, ledger events)
SCALES = ((1_000, 1_000, 20_000), (20_000, 100_000, 1_000_000))
QUICK_SCALES = ((1_000, 1_000, 20_000), (4_000, 20_000, 100_000))
RUNS = 30
WARMUP = 3
KEYWORD = "听证"
PLANS_FILE = Path(settings.BASE_DIR) / "var" / "bench_workspace_plans.txt"
TITLES = (
    "关于调整中心城区公共交通票价的决定",
    "关于实施城市生活垃圾分类管理的决定",
    "关于划定高污染燃料禁燃区的决定",
    "关于老旧小区改造三年行动计划的决定",
    "关于优化营商环境若干措施的决定",
    "关于调整最低工资标准的决定",
    "关于中心城区停车收费标准的决定",
    "关于建设城市轨道交通三期工程的决定",
    "关于召开水价调整听证会的决定",  # one in ten: the keyword
    "关于推进城乡供水一体化的决定",
)
STATES = (
    "proposed",
    "cataloged",
    "drafting",
    "legality_review",
    "awaiting_discussion",
    "decided",
    "published",
    "in_execution",
)
STEP_KINDS = ("public_participation", "expert_review", "legality_review")
NEW_INDEXES = (
    "decision_organ_year_idx",
    "ledger_decision_id_idx",
    "step_kind_status_idx",
    "step_review_due_idx",
    "decision_search_gin",
)


@dataclass
class Stage:
    label: int  # decisions in the world's city
    total: int
    events: int
    database: BenchDatabase
    world: SimpleNamespace
    client: Client
    detail_ids: list[int]


def _defaults(model) -> dict:
    """Every concrete column's value when nothing else is said: the field's default, else NULL (now for times)."""
    now = datetime.now(UTC)
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values[field.column] = now
        elif field.has_default():
            values[field.column] = field.get_default()
        elif not field.null and field.get_internal_type() in ("CharField", "TextField"):
            values[field.column] = ""
        else:
            values[field.column] = None
    return values


def _copy(model, rows) -> None:
    columns = list(_defaults(model))
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _decision_rows(world, city_count: int, total: int, others: list[tuple[Organization, Organization]]):
    base = _defaults(Decision)
    for index in range(total):
        in_city = total == city_count or index % (total // city_count) == 0
        organ, unit = (world.city, world.transport) if in_city else others[index % len(others)]
        title = TITLES[(index // 7) % len(TITLES)]
        number = f"2026-{index + 1:06d}"
        summary = "实行分类分档、阶梯计价。" if index % 3 else "Pilot scheme, PM2.5 monitoring."
        yield base | {
            "number": number,
            "title": title,
            "summary": summary,
            "search_text": search_terms(title, number, summary),
            "year": 2020 + index % 7,
            "scope_category": "public_policy",
            "organ_id": organ.pk,
            "undertaking_unit_id": unit.pk,
            "status": STATES[index % len(STATES)],
            "created_by_id": world.drafter.pk,
        }


def _step_rows(decisions: list[tuple[int, str, int]]):
    base = _defaults(Step)
    for decision_id, status, organ_id in decisions:
        for kind in STEP_KINDS:
            if kind == "legality_review":
                step_status = "submitted" if status == "legality_review" else "pending"
            else:
                step_status = "open" if status == "drafting" else "done"
            yield base | {
                "decision_id": decision_id,
                "organ_id": organ_id,
                "kind": kind,
                "requirement": "required",
                "status": step_status,
                "due_on": None,
            }


def _get(stage: Stage, url: str, data=None) -> None:
    response = stage.client.get(url, data, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.get('Location', '')}")


def _staff_list(stage: Stage, index: int) -> None:
    _get(stage, "/manage/decisions/")


def _keyword(stage: Stage, index: int) -> None:
    _get(stage, "/manage/decisions/", {"q": KEYWORD})


def _my_tasks(stage: Stage, index: int) -> None:
    my_tasks(stage.world.legal_reviewer)


def _decision_page(stage: Stage, index: int) -> None:
    _get(stage, f"/manage/decisions/{stage.detail_ids[index % len(stage.detail_ids)]}/")


def _minimal(stage: Stage, index: int) -> None:
    _get(stage, "/bench/minimal/")


CASES = (
    ("minimal", _minimal),
    ("staff_list", _staff_list),
    ("keyword", _keyword),
    ("my_tasks", _my_tasks),
    ("decision_page", _decision_page),
)


def _old_steps(user):
    """my_tasks' first legal-office query as it was: the steps of `decision_id IN (visible decisions)`."""
    return Step.objects.filter(decision__in=visible_decisions(user)).select_related("decision")


def _plans(stage: Stage) -> tuple[dict[str, str], dict[str, str]]:
    """EXPLAIN ANALYZE of each case's main query: (after, before)."""
    gov, legal = stage.world.gov, stage.world.legal_reviewer
    detail = stage.detail_ids[0]
    review = Q(decision__adjustment__isnull=True, decision__status__in=["legality_review"]) | Q(
        decision__adjustment__stage__in=["legality_review"]
    )

    def queries(new: bool) -> dict:

        visible = visible_decisions(gov)
        organ = legal.organization.organ
        steps = Step.objects.filter(organ=organ).select_related("decision") if new else _old_steps(legal)
        substring = Q(title__icontains=KEYWORD) | Q(number__icontains=KEYWORD) | Q(summary__icontains=KEYWORD)
        return {
            "staff_list": visible.order_by("-year", "-id")[:21],
            "keyword": (keyword_filter(visible, KEYWORD) if new else visible.filter(substring)).order_by(
                "-year", "-id"
            )[:21],
            "my_tasks (legal office: reviews waiting)": steps.filter(
                review, kind="legality_review", status__in=["submitted", "approved"]
            )
            .exclude(submitted_by=legal)
            .order_by("due_on", "pk")[:50],
            "decision_page (ledger events)": LedgerEvent.objects.filter(decision_id=detail).order_by("-id")[:51],
        }

    with stage.database.activate():
        after = {name: query.explain(analyze=True, buffers=True) for name, query in queries(True).items()}
        before = {}
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for index in NEW_INDEXES:
                        cursor.execute(f"DROP INDEX IF EXISTS {index}")
                before = {name: query.explain(analyze=True, buffers=True) for name, query in queries(False).items()}
                raise _Rollback
        except _Rollback:
            pass
    return after, before


class _Rollback(Exception):
    pass


class Workspace(Benchmark):
    name = "workspace"
    description = "staff list, keyword search, my tasks, decision page: a 1,000-decision organ vs a large city"

    def run(self, ctx: Context) -> Result:
        scales = QUICK_SCALES if ctx.quick else SCALES
        runs = ctx.runs or RUNS
        result = Result()
        settings.ROOT_URLCONF = "bench.urls"
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        settings.OTP_REQUIRED = False  # the session is logged in with force_login: no second factor to give
        clear_url_caches()
        stages = [self._setup(ctx, *scale) for scale in scales]
        checkpoint = ctx.database.checkpoint()
        ctx.log(f"CHECKPOINT {checkpoint:.1f} s" if checkpoint is not None else "CHECKPOINT not permitted")
        try:
            samples = self._interleaved(ctx, stages, runs)
            for case, _action in CASES:
                baseline = None
                for stage in stages:
                    measurement = Measurement(self.name, case, stage.label, samples[case][stage.label], baseline)
                    baseline = baseline or measurement
                    result.measurements.append(measurement)
            by_key = {(m.case, m.scale): m for m in result.measurements}
            for stage in stages:
                minimal = by_key[("minimal", stage.label)].median_ms
                ratios = ", ".join(
                    f"{case} {by_key[(case, stage.label)].median_ms / minimal:.1f}×" for case, _a in CASES[1:]
                )
                result.notes.append(
                    f"{stage.label:,} of {stage.total:,} decisions, {stage.events:,} events: median / minimal "
                    f"({minimal:.2f} ms): {ratios}"
                )
            ctx.log("EXPLAIN ANALYZE at the large scale, after and before")
            after, before = _plans(stages[-1])
            PLANS_FILE.parent.mkdir(parents=True, exist_ok=True)
            with PLANS_FILE.open("w") as out:
                large = stages[-1]
                out.write(f"{large.label:,} of {large.total:,} decisions, {large.events:,} events\n")
                for name in after:
                    out.write(f"\n== {name}: after\n{after[name]}\n\n== {name}: before\n{before[name]}\n")
            result.notes.append(f"plans (after and before) written to {PLANS_FILE}")
            for name, plan in after.items():
                big = ("decisions_decision", "decisions_step", "accountability_ledgerevent")
                scanned = [table for table in big if f"Seq Scan on {table}" in plan]
                result.checks.append(
                    Check(f"{name}: no sequential scan of a large table", not scanned, ", ".join(scanned))
                )
            plan = after["staff_list"]
            result.checks.append(
                Check("staff_list reads decision_organ_year_idx", "decision_organ_year_idx" in plan, "")
            )
        finally:
            for stage in stages:
                if ctx.keep_databases:
                    stage.database.close()
                else:
                    stage.database.drop()
        return result

    def _setup(self, ctx: Context, in_city: int, total: int, events: int) -> Stage:
        database = ctx.database.sibling(f"workspace_{in_city}")
        ctx.log(f"{in_city:,}: fresh database {database.name} ({database.recreate():.1f} s)")
        with database.activate():
            started = time.perf_counter()
            world = build_world()
            others = []
            for number in range(4 if total > in_city else 0):
                city = make_org(f"city{number}", f"邻市{number}人民政府", Organization.Kind.GOVERNMENT)
                unit = make_org(f"dept{number}", f"邻市{number}交通运输局", Organization.Kind.DEPARTMENT, city)
                others.append((city, unit))
            with transaction.atomic():
                _copy(Decision, _decision_rows(world, in_city, total, others))
            decisions = list(Decision.objects.order_by("pk").values_list("pk", "status", "organ_id"))
            with transaction.atomic():
                _copy(Step, _step_rows(decisions))
            ctx.log(f"{in_city:,}: {total:,} decisions and their steps in {time.perf_counter() - started:.1f} s")
            first_id = decisions[0][0]
            present = LedgerEvent.objects.count()
            bulk = generate_events(
                max(0, events - present), progress=ctx.log, progress_every=250_000, decision_id_base=first_id
            )
            analyze = database.analyze()
            ctx.log(f"{in_city:,}: {bulk.count:,} events in {bulk.seconds:.1f} s; ANALYZE {analyze:.1f} s")
            with_events = first_id + events // EVENTS_PER_DECISION
            detail_ids = list(
                Decision.objects.filter(organ=world.city, pk__lt=with_events)
                .order_by("pk")
                .values_list("pk", flat=True)[:10]
            )
            client = Client()
            client.force_login(world.gov)
            client.cookies["django_language"] = "zh-hans"
        return Stage(in_city, total, events, database, world, client, detail_ids)

    def _interleaved(self, ctx: Context, stages: list[Stage], runs: int) -> dict[str, dict[int, list[float]]]:
        samples = {case: {stage.label: [] for stage in stages} for case, _a in CASES}
        gc.collect()
        ctx.log(f"timing {len(CASES)} cases: {runs} runs + {WARMUP} warm-up per scale, interleaved")
        for index in range(WARMUP + runs):
            for case, action in CASES:
                for stage in stages if index % 2 == 0 else reversed(stages):
                    with stage.database.activate():
                        elapsed = time_call(partial(action, stage, index))
                    if index >= WARMUP:
                        samples[case][stage.label].append(elapsed)
        return samples
