"""Appending to and verifying the audit ledger.

`record_event` is called inside the business transaction: if writing the event fails, the business change rolls
back, and no event is lost when a worker or Redis is down. Appends are serialized so the chain never forks:
`pg_advisory_xact_lock` on PostgreSQL; on SQLite every writing transaction is IMMEDIATE (settings), so the writer
already holds the database's write lock. Finding the head reads one row by primary key: O(1), never a scan.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from . import context
from .hashing import GENESIS_HASH, SUPPORTED_ALGORITHMS, chain_hash
from .models import LedgerEvent

# Any constant works; it only has to be the same for every writer.
LEDGER_ADVISORY_LOCK_KEY = 0x4A55454345  # "JUECE"

# Sent with `event=` once an event is appended, inside the business transaction (a rolled-back act sends nothing that
# lasts): how an app learns what happened without the ledger importing it (notifications tells citizens who follow).
event_recorded = Signal()


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
    role: str | None = None,
) -> LedgerEvent:
    """Append one event. Runs in the caller's transaction (opening one if there is none).

    `role` is the role the actor acted in (for the responsibility trace); without it, the actor's first role."""
    with transaction.atomic():
        lock_chain_head()
        organization = getattr(actor, "organization", None) if actor is not None else None
        event = LedgerEvent(
            occurred_at=timezone.now(),
            actor=actor,
            actor_name=str(actor) if actor is not None else "system",
            role=(role or getattr(actor, "primary_role", "")) if actor is not None else "system",
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
        event_recorded.send(sender=LedgerEvent, event=event)
        return event


@dataclass(frozen=True)
class VerificationResult:
    """`verified` events walked without fault; `broken_at` the first event id with a problem (None when intact).

    `seals_matched` counts the seals compared without fault; `seal_problem` tells a mismatch with a seal (the chain
    itself links up, but it is not the chain that was sealed) from a broken link.
    """

    verified: int
    broken_at: int | None = None
    problem: str = ""
    seals_matched: int = 0
    seal_problem: bool = False

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


def _seals_by_event(seals: Iterable[Mapping]) -> tuple[dict[int, list[Mapping]], int]:
    """Seals grouped by the event they sealed, and how many sealed an empty ledger (nothing to compare)."""
    by_event: dict[int, list[Mapping]] = {}
    empty = 0
    for seal in seals:
        event_id = seal.get("last_event_id")
        if event_id is None:
            empty += 1
            continue
        by_event.setdefault(int(event_id), []).append(seal)
    return by_event, empty


def verify_chain(seals: Iterable[Mapping] | None = None) -> VerificationResult:
    """Walk the chain from the genesis and report the first event whose link or content does not match.

    With `seals` (the lines `accountability.services.seal_ledger_head` wrote outside the database), also check
    that every sealed event is still there with the hash it had when sealed: a chain whose tail was deleted, or
    rewritten and re-hashed consistently, links up by itself but no longer matches its seals.
    """
    sealed, matched = _seals_by_event(seals or ())
    expected_prev = GENESIS_HASH
    count = 0
    for event in _events_in_order():
        if event.prev_hash != expected_prev:
            return VerificationResult(count, event.pk, _("previous hash does not match the event before it"))
        if event.algorithm not in SUPPORTED_ALGORITHMS:
            return VerificationResult(
                count, event.pk, _("unknown hash algorithm '%(algorithm)s'") % {"algorithm": event.algorithm}
            )
        if chain_hash(event.algorithm, event.prev_hash, event.canonical_payload()) != event.hash:
            return VerificationResult(count, event.pk, _("content does not match its hash (the row was altered)"))
        for seal in sealed.pop(event.pk, ()):
            if seal.get("head_hash") != event.hash or seal.get("algorithm", event.algorithm) != event.algorithm:
                return VerificationResult(
                    count,
                    event.pk,
                    _("event #%(id)s differs from its seal of %(sealed_at)s")
                    % {"id": event.pk, "sealed_at": seal.get("sealed_at", "?")},
                    seals_matched=matched,
                    seal_problem=True,
                )
            matched += 1
        expected_prev = event.hash
        count += 1
    if sealed:
        missing = min(sealed)
        return VerificationResult(
            count,
            missing,
            _("sealed event #%(id)s is missing (the chain was truncated)") % {"id": missing},
            seals_matched=matched,
            seal_problem=True,
        )
    return VerificationResult(count, seals_matched=matched)
