"""Not one comment lost under load: 5,000 opinions sent at once to one open consultation, through gunicorn.

A database of its own (`<bench database>_comments`, recreated): the world (bench.world), one decision driven to
drafting (demo.walkthrough, the real services), its public participation step's consultation set up to open today
(`participation.services.set_up_consultation`) on a draft of a preamble and six clauses.

Gunicorn serves it (WORKERS sync workers for the machine's 2 cores, bench/settings.py: production's settings plus the
minimal views) with the per-address limit of opinions raised for the run (every request comes from 127.0.0.1:
`BENCH_COMMENT_RATE_PER_ADDRESS`; the per-contact limit stays production's, each contact sends one opinion). The
API has no DRF throttle (REST_FRAMEWORK sets none; the comment view sets none): the service's rate limit is the only
one. With `REDIS_URL` the limit is counted in that Redis under a key prefix of the run's own (deleted afterwards;
nothing else is touched); without it each worker counts in its own memory.

CLIENT_THREADS threads (http.client, one connection each, reopened when the server closes it) send
`POST /api/v1/consultations/{id}/comments/` with JSON bodies, each opinion distinct (name, contact — an e-mail
address or a mobile number —, text), one in eight on the whole draft, the others spread over the clauses. The same
number of POSTs go to `POST /bench/public-minimal-post/` (anonymous, CSRF-exempt, 201 with `{"ok": true}`, no query),
the reference. The requests go in ROUNDS rounds, each sending a ROUNDS-th of both (the first of the two alternating
round by round), so that whatever else the machine does weighs on both alike; WARMUP requests of each are sent first,
not counted (they are stored, and counted among the rows: they are opinions too).

Reported: the latency of each request under that load (the table: median and p95; its ratio column is the comment's
median / the minimal view's), the throughput of each (requests answered / seconds the rounds took) and their ratio
(comments/s ÷ minimal/s), and the CPU each kind of request cost gunicorn's workers, the PostgreSQL backends and the
client (from /proc, so that the machine's other work does not count). `--runs` does not apply.
Checks: every opinion answered 201; the 201 answers equal the rows stored for the consultation; their receipt
numbers are distinct and are exactly the receipt numbers stored; one `comment.received` ledger event per row and the
chain valid; every minimal POST answered 201. `--quick`: 300 of each.
"""

import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import Cast, drive_to
from participation.models import Comment, Consultation
from participation.services import set_up_consultation

from .bench_portal import _free_port
from .database import _maintenance_connection
from .harness import Benchmark, Check, Context, Measurement, Result
from .world import build_world, make_decisions

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = 5_000
QUICK_REQUESTS = 300
WARMUP = 50
ROUNDS = 5
QUICK_ROUNDS = 2
WORKERS = 4  # sync workers: 2 per core; a request waiting on PostgreSQL (the ledger's lock) leaves its core free
CLIENT_THREADS = 16
TIMEOUT = 60
MINIMAL = "/bench/public-minimal-post/"
DRAFT = """为了规范养犬行为，维护市容环境和社会秩序，制定本办法。
第一章 总则
第一条 为了规范养犬行为，保障公民健康和人身安全，根据有关法律，制定本办法。
第二条 本市行政区域内的养犬管理，适用本办法。
第三条 市公安机关是养犬管理的主管部门。
第二章 登记
第四条 养犬实行登记制度。
第五条 犬只登记有效期为一年。
第三章 管理
第六条 携犬出户的，应当束犬链并由成年人牵领。
"""
TOPICS = ("登记条件", "收费标准", "遛犬时间", "禁养名录", "免疫要求", "执法方式", "过渡期限", "举报渠道")


def _opinion(index: int, labels: list[str]) -> dict:
    """A distinct opinion: one in eight on the whole draft (no `clause`), the others on the clauses in turn."""
    body = {
        "name": f"市民{index:05d}",
        "contact": f"citizen{index}@example.com" if index % 2 else f"139{index:08d}",
        "text": f"第{index}号意见：建议对{TOPICS[index % len(TOPICS)]}作进一步说明，编号{uuid.uuid4().hex[:8]}。",
    }
    if index % 8:
        body["clause"] = labels[index % len(labels)]
    if index % 5 == 0:
        body["organization"] = f"示例社区第{index % 97}居委会"
    return body


class Gunicorn:
    """gunicorn on a free port, its own process group, stopped with SIGTERM (SIGKILL after 20 s)."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = _free_port()
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.post(MINIMAL, b"{}")[0] == 201:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start (see {log})")

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass


class Load:
    """What one kind of request got: status counts (or the client's error), latencies, answers, seconds spent."""

    def __init__(self):
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.bodies: list[bytes] = []  # the 201 answers' bodies
        self.other: list[tuple[int | str, bytes]] = []  # the first few answers other than 201
        self.seconds = 0.0
        self.cpu_app = 0.0  # CPU seconds of gunicorn's workers
        self.cpu_db = 0.0  # CPU seconds of the PostgreSQL backends
        self.cpu_client = 0.0  # CPU seconds of this process (the client threads)
        self.lock = threading.Lock()

    def cpu_line(self) -> str:
        """The CPU per answered request, in ms, of gunicorn's workers and of PostgreSQL."""
        answered = self.answered or 1
        return (
            f"{self.cpu_app / answered * 1000:.1f} ms gunicorn + {self.cpu_db / answered * 1000:.1f} ms PostgreSQL "
            f"(+ {self.cpu_client / answered * 1000:.1f} ms the client)"
        )

    @property
    def answered(self) -> int:
        return sum(count for status, count in self.statuses.items() if isinstance(status, int))

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


class CpuMeter:
    """The CPU seconds (user + system, from /proc) of gunicorn's workers and of the PostgreSQL backends connected to
    the benchmark database: what a kind of request costs each side, whatever else the machine runs. Linux only (on
    another system every reading is zero)."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, master_pid: int, database):
        self.master_pid = master_pid
        self.database_name = database.name
        self.connection = _maintenance_connection(database.config)

    def close(self) -> None:
        self.connection.close()

    @classmethod
    def _times(cls, pids) -> dict[int, float]:
        times = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            times[pid] = (int(fields[11]) + int(fields[12])) / cls.TICK  # utime, stime (fields 14 and 15)
        return times

    def sample(self) -> tuple[dict[int, float], dict[int, float]]:
        try:
            workers = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children").read_text().split()
        except OSError:
            workers = []
        backends = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.database_name]
        ).fetchall()
        return self._times(workers), self._times(pid for (pid,) in backends)

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        """The CPU seconds between two samples (a process that appeared in between counts from zero)."""
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _send(port: int, path: str, bodies: list[bytes], load: Load | None) -> float:
    """Send every body to `path` from CLIENT_THREADS threads as fast as they are answered; the wall time in seconds.

    Each thread keeps its connection while the server keeps it open (gunicorn's sync workers close it after each
    answer: the thread then opens a new one). A request the client could not complete is counted by its error's
    name, never retried (a retry could store an opinion twice)."""
    position = iter(range(len(bodies)))
    take = threading.Lock()
    start = threading.Barrier(CLIENT_THREADS + 1)

    def work():
        connection = None
        start.wait()
        while True:
            with take:
                index = next(position, None)
            if index is None:
                break
            began = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                connection.request("POST", path, bodies[index], {"Content-Type": "application/json"})
                response = connection.getresponse()
                answer = response.read()
                status: int | str = response.status
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                status, answer = type(error).__name__, str(error).encode()
                if connection is not None:
                    connection.close()
                connection = None
            elapsed = time.perf_counter() - began
            if load is None:
                continue
            with load.lock:
                load.statuses[status] += 1
                load.latencies.append(elapsed)
                if status == 201:
                    load.bodies.append(answer)
                elif len(load.other) < 10:
                    load.other.append((status, answer[:300]))
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


class Comments(Benchmark):
    name = "comments"
    description = (
        "5,000 opinions at once on one open consultation through gunicorn: every 201 stored, vs a minimal POST"
    )

    def run(self, ctx: Context) -> Result:
        prefix = f"bench-comments-{uuid.uuid4().hex[:12]}"
        if not settings.REDIS_URL:
            return self._run(ctx, prefix)
        # This process's own cache writes (the portal's version, bumped while the world is built) under the run's
        # prefix too, so that every key the run leaves in that Redis is deleted afterwards.
        with override_settings(CACHES={"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}):
            return self._run(ctx, prefix)

    def _run(self, ctx: Context, prefix: str) -> Result:
        count = QUICK_REQUESTS if ctx.quick else REQUESTS
        rounds = QUICK_ROUNDS if ctx.quick else ROUNDS
        result = Result()
        database = ctx.database.sibling("comments")
        load_before = os.getloadavg()[0]
        try:
            ctx.log(f"fresh database {database.name} ({database.recreate():.1f} s)")
            with database.activate():
                consultation, labels = self._build(ctx)
            database.close()
            warm, comments, minimal = self._load(ctx, database, prefix, consultation.pk, labels, count, rounds)
            with database.activate():
                self._check(result, consultation, warm, comments, minimal, count)
        finally:
            self._forget_cache(ctx, prefix)
            if ctx.keep_databases:
                database.close()
            else:
                database.drop()
        minimal_latency = Measurement(self.name, "minimal_post", count, minimal.latencies)
        comment_latency = Measurement(self.name, "comment", count, comments.latencies, minimal_latency)
        result.measurements += [minimal_latency, comment_latency]
        ratio = comments.rate / minimal.rate if minimal.rate else 0.0
        result.notes.append(
            f"{count:,} opinions in {comments.seconds:.1f} s: {comments.rate:.0f} comments/s; {count:,} minimal POSTs "
            f"in {minimal.seconds:.1f} s: {minimal.rate:.0f}/s; throughput ratio (comments/s ÷ minimal/s) {ratio:.3f} "
            f"({1 / ratio if ratio else 0:.1f}× the minimal view's time per request)"
        )
        result.notes.append(
            f"statuses — comments: {self._statuses(comments)}; minimal: {self._statuses(minimal)}; "
            f"warm-up opinions: {self._statuses(warm)} ({WORKERS} sync workers, {CLIENT_THREADS} client threads, "
            f"{rounds} rounds)"
        )
        result.notes.append(
            f"machine load average (1 min) {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
            f"({os.cpu_count()} CPUs): other work on the machine slows both kinds of request"
        )
        result.notes.append(
            f"CPU per request (from /proc, whatever else the machine runs): comment {comments.cpu_line()}; "
            f"minimal {minimal.cpu_line()}"
        )
        for status, answer in (comments.other + warm.other)[:5]:
            result.notes.append(f"an opinion answered {status}: {answer.decode(errors='replace')}")
        return result

    def _load(
        self, ctx: Context, database, prefix: str, consultation_id: int, labels: list[str], count: int, rounds: int
    ):
        """Start gunicorn, send the warm-up, then the rounds of opinions and minimal POSTs; stop gunicorn always."""
        env = {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database.url,
            "DEBUG": "",
            "OTP_REQUIRED": "0",
            "BENCH_COMMENT_RATE_PER_ADDRESS": str(10 * (count + WARMUP)),
        }
        if settings.REDIS_URL:
            env["BENCH_CACHE_PREFIX"] = prefix
        else:
            ctx.log("no REDIS_URL: each gunicorn worker counts the rate limit in its own memory")
        path = f"/api/v1/consultations/{consultation_id}/comments/"
        opinions = [json.dumps(_opinion(i, labels), ensure_ascii=False).encode() for i in range(count + WARMUP)]
        minimal_bodies = [json.dumps({"n": i, "text": "ok"}).encode() for i in range(count + WARMUP)]
        warm, comments, minimal = Load(), Load(), Load()
        logs = Path(settings.BASE_DIR) / "var"
        logs.mkdir(exist_ok=True)
        server = Gunicorn(env, logs / "bench_comments_gunicorn.log")
        meter = None
        try:
            meter = CpuMeter(server.process.pid, database)
            ctx.log(f"gunicorn on 127.0.0.1:{server.port}, {WORKERS} sync workers; {CLIENT_THREADS} client threads")
            _send(server.port, path, opinions[:WARMUP], warm)
            _send(server.port, MINIMAL, minimal_bodies[:WARMUP], None)
            per_round = -(-count // rounds)
            for number in range(rounds):
                chunk = slice(WARMUP + number * per_round, WARMUP + min(count, (number + 1) * per_round))
                order = [(path, opinions, comments), (MINIMAL, minimal_bodies, minimal)]
                for target, bodies, load in order if number % 2 == 0 else reversed(order):
                    app_before, db_before = meter.sample()
                    client_before = time.process_time()
                    load.seconds += _send(server.port, target, bodies[chunk], load)
                    load.cpu_client += time.process_time() - client_before
                    app_after, db_after = meter.sample()
                    load.cpu_app += meter.spent(app_before, app_after)
                    load.cpu_db += meter.spent(db_before, db_after)
                ctx.log(
                    f"round {number + 1}/{rounds}: {comments.answered:,} opinions ({comments.rate:.0f}/s), "
                    f"{minimal.answered:,} minimal ({minimal.rate:.0f}/s)"
                )
        finally:
            if meter is not None:
                meter.close()
            server.stop()
            ctx.log(f"gunicorn stopped (exit code {server.process.returncode})")
        return warm, comments, minimal

    @staticmethod
    def _statuses(load: Load) -> str:
        return ", ".join(f"{status}: {number:,}" for status, number in sorted(load.statuses.items(), key=str))

    def _build(self, ctx: Context) -> tuple[Consultation, list[str]]:
        started = time.perf_counter()
        world = build_world()
        cast = Cast(
            drafter=world.drafter, dept_head=world.head, legal_reviewer=world.legal_reviewer, gov_office=world.gov
        )
        decision = drive_to(make_decisions(world, 1)[0], State.DRAFTING, cast)
        step = current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]
        consultation = set_up_consultation(
            step=step,
            actor=world.drafter,
            title="《示例市养犬管理办法（征求意见稿）》",
            draft_text=DRAFT,
            explanation="起草说明：为解决养犬扰民问题，拟制定本办法。",
            questions="1. 禁养犬只名录是否合适？",
            channels="市政府门户网站“意见征集”专栏",
            comment_start=timezone.localdate(),
        )
        if consultation.status != Consultation.Status.OPEN:
            raise RuntimeError(f"the consultation is {consultation.status}, not open")
        labels = list(consultation.clauses.order_by("pk").values_list("label", flat=True))
        ctx.log(
            f"a decision in drafting, consultation {consultation.pk} open until {consultation.comment_end} "
            f"with {len(labels)} clauses ({', '.join(labels)}) in {time.perf_counter() - started:.1f} s"
        )
        return consultation, labels

    def _check(self, result: Result, consultation: Consultation, warm: Load, comments: Load, minimal: Load, count: int):
        created = warm.statuses[201] + comments.statuses[201]
        sent = WARMUP + count
        receipts = [json.loads(body)["receipt_number"] for body in warm.bodies + comments.bodies]
        stored = list(Comment.objects.filter(consultation=consultation).values_list("receipt_number", flat=True))
        received = LedgerEvent.objects.filter(action="comment.received").count()
        chain = verify_chain()
        result.checks += [
            Check(
                f"every opinion answered 201 ({created:,} of {sent:,})",
                created == sent,
                "" if created == sent else f"others: {self._statuses(warm)} / {self._statuses(comments)}",
            ),
            Check(f"201 answers = rows stored ({created:,} = {len(stored):,})", created == len(stored)),
            Check(
                f"receipt numbers distinct and exactly those stored ({len(set(receipts)):,} distinct)",
                len(set(receipts)) == len(receipts) and set(receipts) == set(stored),
                f"answered, not stored: {len(set(receipts) - set(stored))}; stored, not answered: "
                f"{len(set(stored) - set(receipts))}",
            ),
            Check(
                f"one comment.received ledger event per row ({received:,}) and the chain valid",
                received == len(stored) and chain.ok,
                f"{chain.verified:,} events verified"
                + (f", broken at {chain.broken_at}: {chain.problem}" if not chain.ok else ""),
            ),
            Check(
                f"every minimal POST answered 201 ({minimal.statuses[201]:,} of {count:,})",
                minimal.statuses[201] == count,
            ),
        ]
        p50 = statistics.median(comments.latencies) * 1000 if comments.latencies else 0.0
        result.notes.append(f"{len(stored):,} opinions stored; comment p50 under load {p50:.1f} ms")

    @staticmethod
    def _forget_cache(ctx: Context, prefix: str) -> None:
        """Delete the run's rate-limit counters and page-cache keys (its prefix only) from the Redis of REDIS_URL."""
        if not settings.REDIS_URL:
            return
        try:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL)
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
            ctx.log(f"{len(keys)} cache keys of the run deleted ({prefix}:*)")
        except Exception as error:  # the rate-limit counters expire anyway
            ctx.log(f"could not delete the run's cache keys ({error}); they expire within the hour")
