"""What every benchmark is made of: a `Benchmark` subclass, timed `Measurement`s, pass/fail `Check`s."""

import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .database import BenchDatabase


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 50 samples is the 48th smallest)."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Measurement:
    """The samples (in seconds) of one case at one scale. `baseline` names the scale it is compared to."""

    benchmark: str
    case: str
    scale: int
    samples: list[float]
    baseline: "Measurement | None" = None

    @property
    def runs(self) -> int:
        return len(self.samples)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples, 0.95) * 1000

    @property
    def ratio(self) -> float | None:
        """median(this) / median(baseline), or None when there is no baseline."""
        if self.baseline is None:
            return None
        return self.median_ms / self.baseline.median_ms


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class Result:
    measurements: list[Measurement] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


@dataclass
class Context:
    """What the runner hands each benchmark."""

    database: BenchDatabase
    quick: bool = False
    runs: int | None = None  # --runs: overrides each benchmark's own number of timed runs
    keep_databases: bool = False  # --keep-databases: leave per-scale databases behind for inspection
    log: Callable[[str], None] = print


def time_call(action: Callable[[], Any]) -> float:
    """The wall time of one call, in seconds."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def time_each(action: Callable[[Any], Any], items: Iterable[Any], *, warmup: int = 0) -> list[float]:
    """Call `action(item)` for each item and return the wall time of each call in seconds.

    The first `warmup` items are run but not recorded (cold caches, first-query planning).
    """
    samples: list[float] = []
    for index, item in enumerate(items):
        started = time.perf_counter()
        action(item)
        elapsed = time.perf_counter() - started
        if index >= warmup:
            samples.append(elapsed)
    return samples


class Benchmark:
    """Subclass in a module `bench/bench_*.py`; the runner finds, instantiates and runs it.

    `name` is what `--only` matches; `run` returns a `Result`. A benchmark that fails a check makes the runner
    exit non-zero.
    """

    name: str = ""
    description: str = ""

    def run(self, ctx: Context) -> Result:  # pragma: no cover - abstract
        raise NotImplementedError
