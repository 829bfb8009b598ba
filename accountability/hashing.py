"""The ledger's hash: H(prev_hash ‖ canonical JSON), SHA-256 by default or SM3 (国密) by setting."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

SUPPORTED_ALGORITHMS = ("sha256", "sm3")
GENESIS_HASH = "0" * 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_microseconds(moment: datetime) -> int:
    """UTC epoch microseconds: never a locale- or timezone-dependent string."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(algorithm: str, prev_hash: str, payload: dict) -> str:
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise ValueError(f"unsupported ledger hash algorithm: {algorithm}")
    digest = hashlib.new(algorithm)
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(payload).encode("utf-8"))
    return digest.hexdigest()
