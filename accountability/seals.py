"""The seal file: the ledger's chain head written outside the database, each line authenticated with a key the
database never holds.

A seal is one line of JSON in `LEDGER_SEAL_DIR/ledger-seals.jsonl`:

    {"format": 2, "sealed_at": "…", "last_event_id": 41, "head_hash": "…", "algorithm": "sha256",
     "chain_verified": true, "verified_events": 41, "problem": "", "mac_algorithm": "hmac-sha256", "mac": "…"}

`mac` is HMAC-SHA256 (HMAC-SM3 when the ledger hashes with SM3) under `LEDGER_SEAL_KEY` of the canonical JSON of
every other field. A database superuser can rewrite the ledger and re-hash it consistently, but cannot write a seal
that verifies without the key. Lines of the first format (no `mac`) are still read, and reported as unauthenticated.
"""

import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .hashing import canonical_json

SEAL_FILE_NAME = "ledger-seals.jsonl"
SEAL_FORMAT = 2
# The HMAC of a seal, by the ledger's hash algorithm when it was written.
MAC_ALGORITHMS = {"hmac-sha256": "sha256", "hmac-sm3": "sm3"}

MISSING_SEAL_KEY_MESSAGE = (
    "The LEDGER_SEAL_KEY environment variable is not set, and DEBUG is off: ledger seals cannot be authenticated. "
    "Set LEDGER_SEAL_KEY to a long random value kept outside the database (e.g. python -c 'import secrets; "
    "print(secrets.token_urlsafe(48))'), the same for every process that seals or verifies."
)


class SealFileError(ValueError):
    """The seal file cannot be read as seals: a line is not JSON, or not a seal."""


class Authenticity(StrEnum):
    AUTHENTICATED = "authenticated"  # its HMAC verifies under LEDGER_SEAL_KEY
    UNAUTHENTICATED = "unauthenticated"  # no HMAC: a seal of the first format
    INVALID = "invalid"  # its HMAC does not verify: forged, altered, or sealed under another key
    UNCHECKED = "unchecked"  # it has an HMAC, but there is no LEDGER_SEAL_KEY here to check it with


def default_seal_file() -> Path:
    return Path(settings.LEDGER_SEAL_DIR) / SEAL_FILE_NAME


def seal_key() -> str:
    """The key seals are authenticated with; raises ImproperlyConfigured when there is none (DEBUG off, unset)."""
    key = getattr(settings, "LEDGER_SEAL_KEY", "")
    if not key:
        raise ImproperlyConfigured(MISSING_SEAL_KEY_MESSAGE)
    return key


def mac_algorithm_for(hash_algorithm: str) -> str:
    name = f"hmac-{hash_algorithm}"
    if name not in MAC_ALGORITHMS:
        raise ValueError(f"no seal HMAC for the ledger hash algorithm {hash_algorithm!r}")
    return name


def seal_mac(seal: Mapping, key: str) -> str:
    """The HMAC of every field of `seal` but `mac` itself (so `mac_algorithm` is covered too)."""
    digest = MAC_ALGORITHMS[seal["mac_algorithm"]]
    body = {name: value for name, value in seal.items() if name != "mac"}
    return hmac.new(key.encode("utf-8"), canonical_json(body).encode("utf-8"), digest).hexdigest()


def sign(seal: Mapping, key: str, hash_algorithm: str) -> dict:
    signed = dict(seal, mac_algorithm=mac_algorithm_for(hash_algorithm))
    signed["mac"] = seal_mac(signed, key)
    return signed


def authenticity(seal: Mapping, key: str | None) -> Authenticity:
    if "mac" not in seal:
        return Authenticity.UNAUTHENTICATED
    if not key:
        return Authenticity.UNCHECKED
    mac = seal.get("mac")
    if not isinstance(mac, str) or seal.get("mac_algorithm") not in MAC_ALGORITHMS:
        return Authenticity.INVALID
    return Authenticity.AUTHENTICATED if hmac.compare_digest(seal_mac(seal, key), mac) else Authenticity.INVALID


def _parse_line(line: str) -> dict | None:
    try:
        seal = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(seal, dict) or "last_event_id" not in seal or "head_hash" not in seal:
        return None
    return seal


def read_numbered_seals(path: Path) -> list[tuple[int, dict]]:
    """(line number, seal) for every seal in `path`, in order (blank lines skipped)."""
    seals = []
    with open(path, encoding="utf-8") as seal_file:
        for number, line in enumerate(seal_file, start=1):
            if not line.strip():
                continue
            seal = _parse_line(line)
            if seal is None:
                raise SealFileError(
                    _("Line %(line)s of %(path)s is not a ledger seal.") % {"line": number, "path": path}
                )
            seals.append((number, seal))
    return seals


def read_seals(path: Path) -> list[dict]:
    """The seals appended to `path`, in order (blank lines skipped)."""
    return [seal for _number, seal in read_numbered_seals(path)]


@dataclass(frozen=True)
class SealCheck:
    """How many seals of a file are authenticated, and the first line that fails (None when none does)."""

    authenticated: int = 0
    unauthenticated: int = 0
    unchecked: int = 0
    failed_line: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.failed_line is None


def check_seals(numbered: Iterable[tuple[int, Mapping]], key: str | None) -> SealCheck:
    """Authenticate every seal line. A line whose HMAC does not verify fails, and so does a line without one after
    an authenticated line: seals are authenticated from the first one written with a key onwards, so an
    unauthenticated line after it was not written by Juece."""
    counts = dict.fromkeys(Authenticity, 0)
    for number, seal in numbered:
        found = authenticity(seal, key)
        if found == Authenticity.INVALID:
            problem = _(
                "line %(line)s: the seal of %(sealed_at)s does not verify with LEDGER_SEAL_KEY (forged, altered, or "
                "sealed under another key)"
            )
            return _failed(counts, number, problem % {"line": number, "sealed_at": seal.get("sealed_at", "?")})
        if found == Authenticity.UNAUTHENTICATED and counts[Authenticity.AUTHENTICATED]:
            problem = _("line %(line)s: the seal of %(sealed_at)s carries no HMAC, after authenticated seals")
            return _failed(counts, number, problem % {"line": number, "sealed_at": seal.get("sealed_at", "?")})
        counts[found] += 1
    return SealCheck(
        counts[Authenticity.AUTHENTICATED], counts[Authenticity.UNAUTHENTICATED], counts[Authenticity.UNCHECKED]
    )


def _failed(counts, number: int, problem: str) -> SealCheck:
    return SealCheck(
        counts[Authenticity.AUTHENTICATED],
        counts[Authenticity.UNAUTHENTICATED],
        counts[Authenticity.UNCHECKED],
        failed_line=number,
        problem=problem,
    )


def sealed_at(seal: Mapping) -> datetime | None:
    value = seal.get("sealed_at")
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def seal_due_after() -> timedelta:
    """How long after an event its seal may still be missing: two seal intervals (one run may be late)."""
    return timedelta(minutes=2 * settings.LEDGER_SEAL_INTERVAL_MINUTES)


def read_last_line(path: Path, block: int = 4096) -> str | None:
    """The last non-blank line of `path`, read backwards from its end (the file is never read whole)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            position = handle.tell()
            tail = b""
            while position > 0:
                step = min(block, position)
                position -= step
                handle.seek(position)
                tail = handle.read(step) + tail
                stripped = tail.rstrip(b"\r\n \t")
                if b"\n" in stripped or position == 0:
                    return stripped.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace").strip() or None
    except FileNotFoundError:
        return None
    return None


@dataclass(frozen=True)
class SealStatus:
    """The newest seal, read cheaply from the last line of the seal file (for pages; no chain walk)."""

    sealed_at: datetime | None
    last_event_id: int | None
    authenticity: Authenticity
    chain_verified: bool | None  # None: a seal of the first format, which did not record it
    problem: str
    readable: bool = True
    read_at: datetime = field(default_factory=lambda: timezone.now())  # looked up when read (tests move time)

    @property
    def age(self) -> timedelta | None:
        return self.read_at - self.sealed_at if self.sealed_at else None

    @property
    def overdue(self) -> bool:
        """Older than seals are taken: Celery beat is not sealing (or the newest seals were removed)."""
        age = self.age
        return age is None or age > seal_due_after()


def newest_seal_status(path: Path | None = None) -> SealStatus | None:
    """The newest seal (the seal file's last line), or None when nothing has been sealed yet."""
    line = read_last_line(Path(path or default_seal_file()))
    if line is None:
        return None
    seal = _parse_line(line)
    if seal is None:
        return SealStatus(None, None, Authenticity.INVALID, None, _("the last line is not a ledger seal"), False)
    verified = seal.get("chain_verified")
    return SealStatus(
        sealed_at=sealed_at(seal),
        last_event_id=seal.get("last_event_id"),
        authenticity=authenticity(seal, getattr(settings, "LEDGER_SEAL_KEY", "")),
        chain_verified=verified if isinstance(verified, bool) else None,
        problem=str(seal.get("problem") or ""),
    )
