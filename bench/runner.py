"""`python -m bench`: find the benchmarks in bench/bench_*.py, run them on PostgreSQL, print a table."""

import argparse
import importlib
import inspect
import pkgutil
import sys
import time
from pathlib import Path

from .database import BenchDatabase, BenchDatabaseError, default_url
from .harness import Benchmark, Context, Measurement, Result

PACKAGE_DIR = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this benchmark (repeatable, or comma-separated)",
    )
    parser.add_argument("--quick", action="store_true", help="small scales, for a smoke run")
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL URL of the benchmark database; benchmarks drop and recreate "
        "databases named after it, so its name must contain 'bench' (default: "
        "$DATABASE_URL, else postgres://postgres@127.0.0.1:5432/juece_bench)",
    )
    parser.add_argument("--runs", type=int, default=None, help="timed runs per case (default: each benchmark's own)")
    parser.add_argument(
        "--keep-databases",
        action="store_true",
        help="keep the per-scale databases afterwards, to inspect them",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser.parse_args(argv)


def discover() -> list[Benchmark]:
    """Every `Benchmark` subclass defined in a module bench/bench_*.py, in module order."""
    found: list[Benchmark] = []
    for module_info in sorted(pkgutil.iter_modules([str(PACKAGE_DIR)]), key=lambda m: m.name):
        if not module_info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            defined_here = obj.__module__ == module.__name__
            if issubclass(obj, Benchmark) and obj is not Benchmark and defined_here and obj.name:
                found.append(obj())
    return found


def select(benchmarks: list[Benchmark], only: list[str] | None) -> list[Benchmark]:
    if not only:
        return benchmarks
    wanted = {name.strip() for item in only for name in item.split(",") if name.strip()}
    known = {b.name for b in benchmarks}
    unknown = wanted - known
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    return [b for b in benchmarks if b.name in wanted]


def format_table(measurements: list[Measurement]) -> str:
    header = ("benchmark", "case", "scale", "runs", "median ms", "p95 ms", "ratio")
    rows = [header]
    for m in measurements:
        rows.append(
            (
                m.benchmark,
                m.case,
                f"{m.scale:,}",
                str(m.runs),
                f"{m.median_ms:.2f}",
                f"{m.p95_ms:.2f}",
                f"{m.ratio:.3f}" if m.ratio is not None else "",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    left = {0, 1}
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(widths[i]) if i in left else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        database = BenchDatabase(args.database_url or default_url())
    except BenchDatabaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    database.configure()

    import django

    django.setup()
    benchmarks = select(discover(), args.only)
    if args.list:
        for benchmark in benchmarks:
            print(f"{benchmark.name}: {benchmark.description}")
        return 0

    host, port = database.config["HOST"] or "local socket", database.config["PORT"] or 5432
    log(f"database {database.name} on {host}:{port}")
    log(f"schema ready in {database.prepare():.1f} s")
    # Pages render with DEBUG off, through the hashed-name manifest: collect it on a fresh checkout (idempotent).
    from django.core.management import call_command

    collect_started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    log(f"static files collected in {time.perf_counter() - collect_started:.1f} s")
    ctx = Context(database=database, quick=args.quick, runs=args.runs, keep_databases=args.keep_databases, log=log)
    results: list[tuple[Benchmark, Result]] = []
    for benchmark in benchmarks:
        log(f"running {benchmark.name}{' (quick)' if args.quick else ''}")
        results.append((benchmark, benchmark.run(ctx)))

    measurements = [m for _b, result in results for m in result.measurements]
    print()
    print(format_table(measurements))
    notes = [(b, note) for b, result in results for note in result.notes]
    if notes:
        print()
        for benchmark, note in notes:
            print(f"{benchmark.name}: {note}")
    checks = [(b, check) for b, result in results for check in result.checks]
    if checks:
        print()
        for benchmark, check in checks:
            verdict = "PASS" if check.passed else "FAIL"
            print(f"{verdict}  {benchmark.name}: {check.name}{f' — {check.detail}' if check.detail else ''}")
    failed = [b.name for b, result in results if not result.passed]
    print()
    elapsed = time.perf_counter() - started
    print(
        f"{'FAIL' if failed else 'PASS'}: {len(benchmarks)} benchmark(s) in {elapsed:.1f} s"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0
