"""The public portal served by gunicorn: 1,000 decisions of one organ vs 100,000 over 50 organs and 10 years.

Each scale has a database of its own (`<bench database>_portal_<decisions>`), built with COPY: published decisions
(with their search column) and their thirteen steps each (done up to publication), spread over the organs and years
(every organ has decisions in every year), each decision's progress computed from its steps as a step's save keeps
it (`decisions.progress.refresh_progress`), then VACUUM ANALYZE. Gunicorn (2 workers, bench/settings.py) serves each
database twice: with the Redis cache of `REDIS_URL` (under a key prefix of the run's own, never the application's
keys; without `REDIS_URL` the cached half is skipped) and with no cache at all (Django's dummy cache: every page built
from the database). For each case:
  * p50 — the median of sequential requests (after warm-up), in ms; both scales are served at once and the
    requests take turns, one per case and scale in each round, so that the machine's other work weighs on all alike;
  * throughput — requests per second from 4 client threads for a few seconds.
Cases: a minimal anonymous view (bench/urls.py: the middleware alone) as the reference; the portal home; the keyword
search `?q=听证` (one title in ten); an organ's catalog page for a year (a published version 1 per organ and year,
its entries that organ's decisions of the year: 100 at the small scale, 200 at the large); and that page
filtered by unit and keyword.
Checks: cached pages reach ≥ 50 % of the minimal view's throughput; uncached pages and search have p50 ≤ 10× the
minimal view's; p50 at 100,000 within 1.5× of 1,000 (uncached).
"""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import transaction

from accounts.models import Organization
from decisions.models import Decision, Step
from decisions.progress import refresh_progress
from decisions.search import search_terms

from .bench_workspace import TITLES, _copy, _defaults
from .harness import Benchmark, Check, Context, Measurement, Result
from .world import build_world, make_org

ROOT = Path(__file__).resolve().parents[1]
SCALES = ((1_000, 1), (100_000, 50))
QUICK_SCALES = ((1_000, 1), (10_000, 10))
YEARS = 10
SEQUENTIAL = 60
WARMUP = 5
LOAD_SECONDS = 3.0
THREADS = 4
KEYWORD = "听证"
CASES = {
    "minimal": "/bench/public-minimal/",
    "home": "/",
    "search": f"/search/?q={quote(KEYWORD)}",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _decision_rows(organs: list[tuple[Organization, Organization]], count: int, drafter_id: int):
    base = _defaults(Decision)
    start = datetime(2017, 1, 1, tzinfo=UTC)
    for index in range(count):
        organ, unit = organs[index % len(organs)]
        title = TITLES[(index // 7) % len(TITLES)]
        # Every organ's decisions over every year (index % YEARS would give organ 0 only the first year when the
        # organs are a multiple of the years).
        year = 2017 + (index // len(organs)) % YEARS
        number = f"{year}-{index + 1:06d}"
        summary = "实行分类分档、阶梯计价，保障基本民生。"
        yield base | {
            "number": number,
            "title": title,
            "summary": summary,
            "search_text": search_terms(title, number, summary),
            "year": year,
            "scope_category": "public_policy",
            "organ_id": organ.pk,
            "undertaking_unit_id": unit.pk,
            "status": "published",
            "published_at": start + timedelta(minutes=index),
            "created_by_id": drafter_id,
        }


def _step_rows(decisions):
    """Each published decision's steps as the procedure leaves them: every step up to publication done (a hearing
    not applicable in two decisions of three), execution open, the evaluation not yet open."""
    from decisions.procedure import StepKind

    base = _defaults(Step)
    for decision_id, organ_id in decisions:
        for kind in StepKind:
            requirement, status = "required", "done"
            if kind == StepKind.HEARING and decision_id % 3:
                requirement, status = "not_applicable", "done"
            elif kind == StepKind.EXECUTION:
                status = "open"
            elif kind == StepKind.POST_EVALUATION:
                requirement, status = "optional", "pending"
            yield base | {
                "decision_id": decision_id,
                "organ_id": organ_id,
                "kind": kind.value,
                "requirement": requirement,
                "status": status,
            }


def _catalogs(organs: list[tuple[Organization, Organization]], publisher_id: int) -> dict[str, str]:
    """A published catalog per organ and year (version 1) whose entries are that organ's decisions of the year,
    written with COPY; returns the catalog paths to time (the first organ's catalog of the middle year)."""
    from catalog.models import Catalog, CatalogEntry, CatalogVersion

    now = datetime(2026, 11, 1, tzinfo=UTC)
    catalog_base = _defaults(Catalog)
    with transaction.atomic():
        _copy(
            Catalog,
            (
                catalog_base
                | {"organ_id": organ.pk, "year": year, "status": "published", "created_by_id": publisher_id}
                for organ, _unit in organs
                for year in range(2017, 2017 + YEARS)
            ),
        )
    catalogs = {(organ_id, year): pk for pk, organ_id, year in Catalog.objects.values_list("pk", "organ_id", "year")}
    entry_base = _defaults(CatalogEntry)
    searchable = "search_text" in entry_base
    snapshots: dict[int, list[dict]] = {pk: [] for pk in catalogs.values()}
    numbers: dict[int, int] = {}
    units = {organ.pk: unit for organ, unit in organs}

    # Read before the COPY starts: a server-side cursor on the connection that is copying would wait on itself.
    # Written catalog by catalog, as the government office compiles them (a catalog's entries are added together,
    # not interleaved with every other organ's).
    decisions = list(
        Decision.objects.order_by("organ_id", "year", "pk").values_list(
            "pk", "number", "title", "summary", "organ_id", "year"
        )
    )

    def entries():
        for pk, number, title, summary, organ_id, year in decisions:
            catalog_id = catalogs[(organ_id, year)]
            numbers[catalog_id] = numbers.get(catalog_id, 0) + 1
            unit = units[organ_id]
            values = {
                "catalog_id": catalog_id,
                "number": numbers[catalog_id],
                "title": title,
                "summary": summary,
                "scope_category": "public_policy",
                "undertaking_unit_id": unit.pk,
                "planned_completion": f"{year}Q4",
                "decision_id": pk,
                "review_status": "approved",
                "created_by_id": publisher_id,
            }
            if searchable:
                values["search_text"] = search_terms(title, number, summary)
            snapshots[catalog_id].append(
                {
                    "number": values["number"],
                    "title": title,
                    "summary": summary,
                    "scope_category": "public_policy",
                    "undertaking_unit": unit.name,
                    "undertaking_unit_id": unit.pk,
                    "legal_basis": "",
                    "planned_completion": values["planned_completion"],
                    "requires_hearing": False,
                    "in_congress_report_list": False,
                    "decision_id": pk,
                    "decision_number": number,
                }
            )
            yield entry_base | values

    with transaction.atomic():
        _copy(CatalogEntry, entries())
    version_base = _defaults(CatalogVersion)
    with transaction.atomic():
        _copy(
            CatalogVersion,
            (
                version_base
                | {
                    "catalog_id": pk,
                    "number": 1,
                    "entries": json.dumps(rows, ensure_ascii=False),
                    "published_at": now,
                    "published_by_id": publisher_id,
                }
                for pk, rows in snapshots.items()
            ),
        )
    organ, unit = organs[0]
    year = 2017 + YEARS // 2
    base = f"/catalogs/{organ.pk}/{year}/"
    return {"catalog": base, "catalog_filtered": f"{base}?unit={unit.pk}&q={quote(KEYWORD)}"}


class Server:
    """gunicorn on a free port against one benchmark database."""

    def __init__(self, database_url: str, cache: str, log: Path):
        self.port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "",
            "OTP_REQUIRED": "0",
        }
        if cache == "none":
            env["BENCH_CACHE"] = "none"
        else:
            env["BENCH_CACHE_PREFIX"] = f"bench-{uuid.uuid4().hex[:12]}"
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/bench/public-minimal/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start (see {log})")

    def get(self, path: str) -> tuple[int, float]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept-Language": "zh-hans"})
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        connection.close()
        return response.status, elapsed

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _interleaved(servers: dict[int, Server], paths: dict[int, dict[str, str]]) -> dict[tuple[str, int], list[float]]:
    """Sequential requests taking turns: each round one request per case and scale, so that whatever else the machine
    does weighs on every case and both scales alike (the first WARMUP rounds are not kept)."""
    samples: dict[tuple[str, int], list[float]] = {}
    for index in range(WARMUP + SEQUENTIAL):
        # The scales swap places every round: a server still cleaning up after a heavy page (freeing it, collecting
        # garbage) slows the other's next request, and in a fixed order that was always the small scale's minimal
        # view (0.77–0.80 of the large scale's in every run, the same code).
        order = list(servers.items()) if index % 2 else list(servers.items())[::-1]
        for case in next(iter(paths.values())):
            for count, server in order:
                status, elapsed = server.get(paths[count][case])
                if status != 200:
                    raise RuntimeError(f"{paths[count][case]}: {status}")
                if index >= WARMUP:
                    samples.setdefault((case, count), []).append(elapsed)
    return samples


def _throughput(server: Server, path: str) -> float:
    done, stop = [0] * THREADS, time.monotonic() + LOAD_SECONDS

    def hammer(slot: int):
        while time.monotonic() < stop:
            server.get(path)
            done[slot] += 1

    threads = [threading.Thread(target=hammer, args=(slot,)) for slot in range(THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


class Portal(Benchmark):
    name = "portal"
    description = "the public portal under gunicorn, cached and uncached: 1,000 vs 100,000 decisions over 50 organs"

    def run(self, ctx: Context) -> Result:
        scales = QUICK_SCALES if ctx.quick else SCALES
        result = Result()
        medians: dict[tuple[str, str, int], float] = {}
        rates: dict[tuple[str, str, int], float] = {}
        baselines: dict[tuple[str, str], Measurement] = {}
        logs = Path(settings.BASE_DIR) / "var"
        logs.mkdir(exist_ok=True)
        databases, paths = {}, {}
        try:
            for count, organ_count in scales:
                database = databases[count] = ctx.database.sibling(f"portal_{count}")
                ctx.log(f"{count:,}: fresh database {database.name} ({database.recreate():.1f} s)")
                with database.activate():
                    paths[count] = {**CASES, **self._build(ctx, count, organ_count)}
                # As autovacuum would leave a city's database (it is off on the benchmark's server): statistics, the
                # visibility map, and the keyword index's pending list merged (a COPY fills that list).
                ctx.log(f"{count:,}: VACUUM ANALYZE in {database.analyze(vacuum=True):.1f} s")
                database.close()
            cases = list(paths[scales[0][0]])
            for cache in ("redis", "none"):
                if cache == "redis" and not settings.REDIS_URL:
                    ctx.log("no REDIS_URL: the cached run is skipped")
                    continue
                servers: dict[int, Server] = {}
                try:
                    for count, database in databases.items():
                        servers[count] = Server(database.url, cache, logs / f"bench_portal_{count}_{cache}.log")
                    samples = _interleaved(servers, paths)
                    for count, server in servers.items():
                        for case in cases:
                            rates[(case, cache, count)] = _throughput(server, paths[count][case])
                finally:
                    for server in servers.values():
                        server.stop()
                for count in servers:
                    for case in cases:
                        key = (case, cache)
                        measurement = Measurement(
                            self.name, f"{case} ({cache})", count, samples[(case, count)], baselines.get(key)
                        )
                        baselines.setdefault(key, measurement)
                        result.measurements.append(measurement)
                        medians[(case, cache, count)] = statistics.median(samples[(case, count)]) * 1000
                    rate_line = ", ".join(f"{case} {rates[(case, cache, count)]:.0f}/s" for case in cases)
                    result.notes.append(f"{count:,} decisions, {cache}: throughput {rate_line}")
        finally:
            for database in databases.values():
                if ctx.keep_databases:
                    database.close()
                else:
                    database.drop()
        small, large = scales[0][0], scales[-1][0]
        for count in (small, large):
            for case in [c for c in cases if c != "minimal"]:
                if ("minimal", "redis", count) in rates:
                    share = rates[(case, "redis", count)] / rates[("minimal", "redis", count)]
                    result.checks.append(
                        Check(
                            f"{count:,}: {case} cached ≥ 50 % of the minimal view's throughput ({share:.0%})",
                            share >= 0.5,
                        )
                    )
                factor = medians[(case, "none", count)] / medians[("minimal", "none", count)]
                result.checks.append(
                    Check(f"{count:,}: {case} uncached p50 ≤ 10× the minimal view's ({factor:.1f}×)", factor <= 10)
                )
        for case in [c for c in cases if c != "minimal"]:
            ratio = medians[(case, "none", large)] / medians[(case, "none", small)]
            result.checks.append(
                Check(f"{case}: uncached p50 at {large:,} within 1.5× of {small:,} ({ratio:.2f})", ratio <= 1.5)
            )
        return result

    def _build(self, ctx: Context, count: int, organ_count: int) -> dict[str, str]:
        started = time.perf_counter()
        world = build_world()
        organs = [(world.city, world.transport)]
        for number in range(1, organ_count):
            organ = make_org(f"organ{number}", f"第{number}市人民政府", Organization.Kind.GOVERNMENT)
            unit = make_org(f"unit{number}", f"第{number}市交通运输局", Organization.Kind.DEPARTMENT, organ)
            organs.append((organ, unit))
        with transaction.atomic():
            _copy(Decision, _decision_rows(organs, count, world.drafter.pk))
        decisions = list(Decision.objects.order_by("pk").values_list("pk", "organ_id"))
        with transaction.atomic():
            _copy(Step, _step_rows(decisions))
            refresh_progress()  # what each step's save keeps on its decision, for every decision at once
        paths = _catalogs(organs, world.gov.pk)
        elapsed = time.perf_counter() - started
        ctx.log(
            f"{count:,}: {count:,} published decisions and their catalogs over {len(organs)} organs in {elapsed:.1f} s"
        )
        return paths
