"""Appending to and verifying the audit ledger (DESIGN.md §4).

`record_event` is called inside the business transaction: if writing the event fails, the business change rolls
back, and no event is lost when a worker or Redis is down. Appends are serialized so the chain never forks:
`pg_advisory_xact_lock` on PostgreSQL; on SQLite every writing transaction is IMMEDIATE (settings), so the writer
already holds the database's write lock. Finding the head reads one row by primary key: O(1), never a scan.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from . import context
from .hashing import GENESIS_HASH, SUPPORTED_ALGORITHMS, chain_hash
from .models import LedgerEvent

# Any constant works; it only has to be the same for every writer.
LEDGER_ADVISORY_LOCK_KEY = 0x4A55454345  # "JUECE"


def _plain(value) -> dict:
    """Dates, decimals and lazy strings → JSON types, so what is stored is exactly what was hashed."""
    return json.loads(json.dumps(value or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def _algorithm() -> str:
    algorithm = settings.LEDGER_HASH_ALGORITHM
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise ValueError(f"LEDGER_HASH_ALGORITHM must be one of {SUPPORTED_ALGORITHMS}, not {algorithm!r}")
    return algorithm


def lock_chain_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_ADVISORY_LOCK_KEY])


def head_hash() -> str:
    return LedgerEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH


def record_event(
    *,
    actor,
    action: str,
    obj,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    decision_id: int | None = None,
    client_address: str | None = None,
) -> LedgerEvent:
    """Append one event. Runs in the caller's transaction (opening one if there is none)."""
    with transaction.atomic():
        lock_chain_head()
        organization = getattr(actor, "organization", None) if actor is not None else None
        event = LedgerEvent(
            occurred_at=timezone.now(),
            actor=actor,
            actor_name=str(actor) if actor is not None else "system",
            role=getattr(actor, "primary_role", "") if actor is not None else "system",
            organization=organization,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            decision_id=decision_id,
            before=_plain(before),
            after=_plain(after),
            reason=reason or "",
            client_address=(client_address if client_address is not None else context.client_address.get())[:64],
            algorithm=_algorithm(),
            prev_hash=head_hash(),
        )
        event.hash = chain_hash(event.algorithm, event.prev_hash, event.canonical_payload())
        event.save(force_insert=True)
        return event


@dataclass(frozen=True)
class VerificationResult:
    verified: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _events_in_order(chunk_size: int = 5000) -> Iterator[LedgerEvent]:
    last_id = 0
    while True:
        chunk = list(LedgerEvent.objects.filter(id__gt=last_id).order_by("id")[:chunk_size])
        if not chunk:
            return
        yield from chunk
        last_id = chunk[-1].id


def verify_chain() -> VerificationResult:
    """Walk the chain from the genesis and report the first event whose link or content does not match."""
    expected_prev = GENESIS_HASH
    count = 0
    for event in _events_in_order():
        if event.prev_hash != expected_prev:
            return VerificationResult(count, event.pk, "previous hash does not match the event before it")
        if event.algorithm not in SUPPORTED_ALGORITHMS:
            return VerificationResult(count, event.pk, f"unknown hash algorithm {event.algorithm!r}")
        if chain_hash(event.algorithm, event.prev_hash, event.canonical_payload()) != event.hash:
            return VerificationResult(count, event.pk, "content does not match its hash (the row was altered)")
        expected_prev = event.hash
        count += 1
    return VerificationResult(count)
