"""Fill the audit ledger with N synthetic events, fast: one COPY, a valid hash chain continuing from the head.

    .venv/bin/python -m bench.generate 1000000 [--recreate] [--verify] [--database-url URL]

Each event is hashed exactly as `accountability.ledger.record_event` hashes it (`chain_hash` over the fields
of `LedgerEvent.canonical_payload`; the first payload is checked against the model's own method before
anything is written), so `verify_chain()` accepts the result and real appends continue the chain. The chain
head is locked with the same advisory lock as `record_event`, for the whole COPY.

The events look like a city's ledger: twenty per (fictitious) decision — created, cataloged, steps opened,
submitted and approved, documents uploaded — by the users present in the database, spread in time between the
current head and now. Their decision ids start at `DECISION_ID_BASE`, far above any real decision, so they
never mix with the decisions a benchmark creates. The table refuses DELETE and TRUNCATE: to start again,
recreate the database.
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from accountability.hashing import SUPPORTED_ALGORITHMS, chain_hash, epoch_microseconds

TABLE = "accountability_ledgerevent"
COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "role",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "decision_id",
    "before",
    "after",
    "reason",
    "client_address",
    "algorithm",
    "prev_hash",
    "hash",
)
DECISION_ID_BASE = 100_000_000
EVENTS_PER_DECISION = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

TITLES = (
    "关于调整中心城区公共交通票价的决定",
    "关于实施城市生活垃圾分类管理的决定",
    "关于划定高污染燃料禁燃区的决定",
    "关于老旧小区改造三年行动计划的决定",
    "关于优化营商环境若干措施的决定",
    "关于调整最低工资标准的决定",
    "关于中心城区停车收费标准的决定",
    "关于建设城市轨道交通三期工程的决定",
)
STEPS = (
    "public_participation",
    "expert_review",
    "risk_assessment",
    "fair_competition_review",
    "department_consultation",
    "legality_review",
)

# (action, object kind, before, after, reason); per decision, in this order, EVENTS_PER_DECISION of them.
_LIFECYCLE = [
    ("decision.created", "decision", {}, None, ""),
    ("decision.catalog", "decision", {"status": "proposed"}, {"status": "cataloged"}, ""),
    (
        "decision.start_drafting",
        "decision",
        {"status": "cataloged"},
        {"status": "drafting", "opened_steps": list(STEPS[:5])},
        "",
    ),
]
for _step in STEPS[:5]:
    _LIFECYCLE += [
        ("step.details_updated", _step, {}, {"notes": "已完成"}, ""),
        ("step.submitted", _step, {"status": "open"}, {"status": "submitted"}, ""),
        ("step.approved", _step, {"status": "submitted"}, {"status": "approved"}, "同意"),
    ]
_LIFECYCLE.append(("document.uploaded", "document", {}, {"kind": "draft", "sha256": "0" * 64}, ""))
_LIFECYCLE.append(
    (
        "decision.request_legality_review",
        "decision",
        {"status": "drafting"},
        {"status": "legality_review"},
        "",
    )
)
assert len(_LIFECYCLE) == EVENTS_PER_DECISION


@dataclass(frozen=True)
class Actor:
    actor_id: int | None
    actor_name: str
    role: str
    organization_id: int | None


SYSTEM = Actor(None, "system", "system", None)


@dataclass(frozen=True)
class GenerateStats:
    count: int
    seconds: float
    first_id: int | None
    last_id: int | None
    head_hash: str

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


def actors_from_database() -> list[Actor]:
    """The users present (with their recorded name, primary role and organization), or the system actor."""
    from accounts.models import User

    actors = [
        Actor(user.pk, str(user), user.primary_role or "", user.organization_id) for user in User.objects.order_by("pk")
    ]
    return actors or [SYSTEM]


def _payload(
    us: int,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    decision_id: int,
    before: dict,
    after: dict,
    reason: str,
    client_address: str,
    algorithm: str,
) -> dict:
    """The same keys and values as LedgerEvent.canonical_payload (checked by _check_payload_shape)."""
    return {
        "occurred_at_us": us,
        "actor_id": actor.actor_id,
        "actor_name": actor.actor_name,
        "role": actor.role,
        "organization_id": actor.organization_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "decision_id": decision_id,
        "before": before,
        "after": after,
        "reason": reason,
        "client_address": client_address,
        "algorithm": algorithm,
    }


def _check_payload_shape(payload: dict) -> None:
    """Refuse to write anything if the model would hash this event differently."""
    from accountability.models import LedgerEvent

    event = LedgerEvent(
        occurred_at=_EPOCH + timedelta(microseconds=payload["occurred_at_us"]),
        **{key: value for key, value in payload.items() if key != "occurred_at_us"},
    )
    expected = event.canonical_payload()
    if expected != payload:
        raise RuntimeError(
            "bench.generate builds a different canonical payload than LedgerEvent.canonical_payload: "
            f"expected {expected!r}, built {payload!r}; update bench/generate.py"
        )


def _rows(
    count: int,
    *,
    prev_hash: str,
    start_us: int,
    end_us: int,
    actors: list[Actor],
    algorithm: str,
    first_payload_check=_check_payload_shape,
    decision_id_base: int = DECISION_ID_BASE,
):
    """Yield the COPY rows of `count` chained events, timestamps non-decreasing from start_us to end_us."""
    step_us = max(0, (end_us - start_us) // max(count, 1))
    lifecycle = [
        (
            action,
            kind,
            before,
            after,
            reason,
            json.dumps(before, ensure_ascii=False),
            json.dumps(after, ensure_ascii=False) if after is not None else None,
        )
        for action, kind, before, after, reason in _LIFECYCLE
    ]
    for index in range(count):
        decision_index, position = divmod(index, EVENTS_PER_DECISION)
        decision_id = decision_id_base + decision_index
        title = TITLES[decision_index % len(TITLES)]
        action, kind, before, after, reason, before_json, after_json = lifecycle[position]
        if after is None:  # decision.created carries the decision's own number and title
            number = f"{2000 + decision_index % 27}-{decision_index % 1000 + 1:03d}"
            after = {"status": "proposed", "title": title, "number": number}
            after_json = json.dumps(after, ensure_ascii=False)
        if kind == "decision":
            object_type, object_id, object_repr = "decisions.decision", str(decision_id), title
        elif kind == "document":
            object_type, object_id, object_repr = "decisions.document", str(decision_id), f"{title}（草案）"
        else:
            step_id = decision_id * 16 + STEPS.index(kind)
            object_type, object_id, object_repr = "decisions.step", str(step_id), f"{title} · {kind}"
        actor = actors[decision_index % len(actors)]
        client_address = f"10.{(decision_index >> 8) & 255}.{decision_index & 255}.{position + 1}"
        us = start_us + index * step_us
        payload = _payload(
            us,
            actor,
            action,
            object_type,
            object_id,
            object_repr,
            decision_id,
            before,
            after,
            reason,
            client_address,
            algorithm,
        )
        if index == 0 and first_payload_check is not None:
            first_payload_check(payload)
        digest = chain_hash(algorithm, prev_hash, payload)
        row = (
            _EPOCH + timedelta(microseconds=us),
            actor.actor_id,
            actor.actor_name,
            actor.role,
            actor.organization_id,
            action,
            object_type,
            object_id,
            object_repr,
            decision_id,
            before_json,
            after_json,
            reason,
            client_address,
            algorithm,
            prev_hash,
            digest,
        )
        prev_hash = digest
        yield row


def _set_replica_role() -> bool:
    """Skip the foreign-key checks of this transaction's COPY (superuser only). Returns whether it could.

    Deferred FK checks cost as much as the COPY itself (two lookups per row at commit). The ids written come
    from the database, and `_check_references` checks them all in one join afterwards. The append-only
    triggers are off too while this is set, but they only refuse UPDATE, DELETE and TRUNCATE, which the
    generator never issues.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _check_references(first_id: int, last_id: int) -> None:
    """What the skipped FK checks would have checked, for the generated rows, in one query."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FROM {TABLE} e
                LEFT JOIN accounts_user u ON u.id = e.actor_id
                LEFT JOIN accounts_organization o ON o.id = e.organization_id
                WHERE e.id BETWEEN %s AND %s
                  AND ((e.actor_id IS NOT NULL AND u.id IS NULL)
                       OR (e.organization_id IS NOT NULL AND o.id IS NULL))""",
            [first_id, last_id],
        )
        dangling = cursor.fetchone()[0]
    if dangling:
        raise RuntimeError(f"{dangling} generated events reference a missing user or organization")


def generate_events(
    count: int,
    *,
    actors: list[Actor] | None = None,
    algorithm: str | None = None,
    progress=None,
    progress_every: int = 100_000,
    skip_fk_checks: bool = True,
    decision_id_base: int = DECISION_ID_BASE,
) -> GenerateStats:
    """Append `count` synthetic events to the ledger in one transaction (one COPY), chained to the head.

    With `skip_fk_checks` (and a superuser), the COPY runs without the per-row foreign-key checks and the
    references are checked in one join afterwards, inside the same transaction. `decision_id_base`: the first
    decision id the events name (default far above any real decision; bench_workspace points them at its own).
    """
    from django.conf import settings
    from django.db import connection, transaction

    from accountability.ledger import head_hash, lock_chain_head
    from accountability.models import LedgerEvent

    if connection.vendor != "postgresql":
        raise RuntimeError("bench.generate writes with COPY: PostgreSQL only")
    algorithm = algorithm or settings.LEDGER_HASH_ALGORITHM
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise ValueError(f"unsupported ledger hash algorithm {algorithm!r}")
    actors = actors or actors_from_database()
    started = time.perf_counter()
    with transaction.atomic():
        lock_chain_head()
        referential_checks = not skip_fk_checks or not _set_replica_role()
        prev_hash = head_hash()
        head_time = LedgerEvent.objects.order_by("-id").values_list("occurred_at", flat=True).first()
        now_us = epoch_microseconds(datetime.now(UTC))
        start_us = epoch_microseconds(head_time) if head_time else now_us - count * 1000
        end_us = max(start_us, now_us)
        first_hash = last_hash = None
        with connection.cursor() as cursor:
            copy_sql = f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN"
            with cursor.copy(copy_sql) as copy:
                rows = _rows(
                    count,
                    prev_hash=prev_hash,
                    start_us=start_us,
                    end_us=end_us,
                    actors=actors,
                    algorithm=algorithm,
                    decision_id_base=decision_id_base,
                )
                for index, row in enumerate(rows, start=1):
                    copy.write_row(row)
                    if progress is not None and index % progress_every == 0:
                        rate = index / (time.perf_counter() - started)
                        progress(f"{index:,} events written ({rate:,.0f}/s)")
                    last_hash = row[-1]
                    first_hash = first_hash or last_hash
        ids = dict(LedgerEvent.objects.filter(hash__in=[first_hash, last_hash]).values_list("hash", "id"))
        if not referential_checks:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
            if count:
                _check_references(ids[first_hash], ids[last_hash])
    seconds = time.perf_counter() - started
    return GenerateStats(
        count=count,
        seconds=seconds,
        first_id=ids.get(first_hash),
        last_id=ids.get(last_hash),
        head_hash=last_hash or prev_hash,
    )


@dataclass(frozen=True)
class WindowCheck:
    checked: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_window(from_id: int, to_id: int) -> WindowCheck:
    """Check the chain from event `from_id` to `to_id`: each link (including the one into `from_id`) and hash.

    `verify_chain()` walks the whole ledger; this checks a window (e.g. the seam between generated and real
    events) with the same rules.
    """
    from accountability.hashing import GENESIS_HASH
    from accountability.models import LedgerEvent

    before = LedgerEvent.objects.filter(id__lt=from_id).order_by("-id").values_list("hash", flat=True).first()
    expected_prev = before or GENESIS_HASH
    count = 0
    window = LedgerEvent.objects.filter(id__gte=from_id, id__lte=to_id).order_by("id")
    for event in window.iterator(chunk_size=2000):
        if event.prev_hash != expected_prev:
            return WindowCheck(count, event.pk, "previous hash does not match the event before it")
        if chain_hash(event.algorithm, event.prev_hash, event.canonical_payload()) != event.hash:
            return WindowCheck(count, event.pk, "content does not match its hash")
        expected_prev = event.hash
        count += 1
    return WindowCheck(count)


def verify_tail(count: int) -> WindowCheck:
    from accountability.models import LedgerEvent

    last_id = LedgerEvent.objects.order_by("-id").values_list("id", flat=True).first()
    if last_id is None:
        return WindowCheck(0)
    return verify_window(max(1, last_id - count + 1), last_id)


def main(argv: list[str] | None = None) -> int:
    from .database import BenchDatabase, BenchDatabaseError, default_url

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of events to append")
    parser.add_argument("--database-url", default=None, help="benchmark database (name must contain 'bench')")
    parser.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--verify", action="store_true", help="walk the whole chain with verify_chain() afterwards")
    args = parser.parse_args(argv)
    try:
        database = BenchDatabase(args.database_url or default_url())
    except BenchDatabaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    database.configure()
    import django

    django.setup()
    seconds = database.recreate() if args.recreate else database.prepare()
    print(f"database {database.name} ready in {seconds:.1f} s")
    stats = generate_events(args.count, progress=print)
    print(
        f"generated {stats.count:,} events in {stats.seconds:.1f} s ({stats.per_second:,.0f} events/s), "
        f"ids {stats.first_id}–{stats.last_id}"
    )
    print(f"ANALYZE in {database.analyze(TABLE):.1f} s")
    if args.verify:
        from accountability.ledger import verify_chain

        started = time.perf_counter()
        result = verify_chain()
        verdict = "valid" if result.ok else f"BROKEN at #{result.broken_at}: {result.problem}"
        print(f"verify_chain: {result.verified:,} events, {verdict} ({time.perf_counter() - started:.1f} s)")
        return 0 if result.ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
