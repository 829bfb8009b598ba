"""Keeping the ledger honest beyond the database: sealing its head outside it, and sending each seal off the host.

`seal_ledger_head` runs every LEDGER_SEAL_INTERVAL_MINUTES (Celery beat) and on demand (`manage.py seal_ledger`). It
first writes the seal to the local seal file (accountability/seals.py), authenticated with LEDGER_SEAL_KEY; only then
does it export it, best effort: to syslog (LEDGER_SEAL_SYSLOG) and by e-mail to the audit administrators
(LEDGER_SEAL_EMAIL). An export that fails is logged; it never undoes or loses the seal.
"""

import fcntl
import json
import logging
import os
import socket
from logging.handlers import SysLogHandler
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from .ledger import verify_chain
from .models import LedgerEvent
from .seals import (
    SEAL_FILE_NAME,
    SEAL_FORMAT,
    SealFileError,
    check_seals,
    default_seal_file,
    read_numbered_seals,
    read_seals,
    seal_key,
    sign,
)

__all__ = [
    "SEAL_FILE_NAME",
    "SealFileError",
    "audit_admin_addresses",
    "default_seal_file",
    "export_seal",
    "read_seals",
    "seal_ledger_head",
]

logger = logging.getLogger("accountability.seals")

# The audit administrators' role (accounts.roles.Role.AUDIT_ADMIN; a role is the group of its name). Written out here:
# the ledger imports no app above it (tests/accountability/test_seal_export.py keeps the two equal).
AUDIT_ADMIN_GROUP = "audit_admin"


def seal_ledger_head(*, seal_dir: Path | None = None) -> dict:
    """Seal the current chain head (last event id, hash, algorithm) in the seal file, then export the seal.

    The seal also records whether the chain verified against the earlier seals when it was taken, so a page can show
    it without walking the chain. Raises ImproperlyConfigured without LEDGER_SEAL_KEY (and writes nothing then).
    """
    key = seal_key()
    path = Path(seal_dir or settings.LEDGER_SEAL_DIR) / SEAL_FILE_NAME
    head = LedgerEvent.objects.order_by("-id").values("id", "hash", "algorithm").first()
    verified, count, problem, previous_heads = _verify_before_sealing(path, key)
    seal = sign(
        {
            "format": SEAL_FORMAT,
            "sealed_at": timezone.now().isoformat(),
            "last_event_id": head["id"] if head else None,
            "head_hash": head["hash"] if head else None,
            "algorithm": head["algorithm"] if head else None,
            "chain_verified": verified,
            "verified_events": count,
            "problem": problem,
        },
        key,
        settings.LEDGER_HASH_ALGORITHM,
    )
    _append(path, json.dumps(seal, ensure_ascii=False) + "\n")
    if verified:
        logger.info("Ledger sealed at event #%s.", seal["last_event_id"])
    else:
        logger.error("Ledger sealed at event #%s, but it does not verify: %s", seal["last_event_id"], problem)
    export_seal(seal, head_moved=previous_heads[-1:] != [seal["head_hash"]])
    return seal


def _verify_before_sealing(path: Path, key: str) -> tuple[bool, int, str, list]:
    """(verified, events verified, problem, the heads the earlier seals named). Never raises for a bad seal file: a
    seal is taken in any case, and says what was wrong."""
    try:
        numbered = read_numbered_seals(path) if path.exists() else []
    except (OSError, SealFileError) as error:
        return False, 0, str(error), []
    heads = [seal.get("head_hash") for _number, seal in numbered]
    checked = check_seals(numbered, key)
    if not checked.ok:
        return False, 0, checked.problem, heads
    result = verify_chain(seals=[seal for _number, seal in numbered])
    return result.ok, result.verified, result.problem, heads


def _append(path: Path, line: str) -> None:
    """Append one line and flush it to disk before anything is sent anywhere (one writer at a time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as seal_file:
        fcntl.flock(seal_file, fcntl.LOCK_EX)
        try:
            seal_file.write(line)
            seal_file.flush()
            os.fsync(seal_file.fileno())
        finally:
            fcntl.flock(seal_file, fcntl.LOCK_UN)


# ---------------------------------------------------------------- export off the host (best effort)


def export_seal(seal: dict, *, head_moved: bool = True) -> None:
    """Send the seal off the host. Never raises: each failure is logged and the seal stays written.

    Syslog gets every seal; e-mail only a seal whose head moved since the one before (or that does not verify), so
    the audit administrators receive one message per change of the ledger, not one every few minutes.
    """
    line = json.dumps(seal, ensure_ascii=False, sort_keys=True)
    if settings.LEDGER_SEAL_SYSLOG:
        try:
            send_to_syslog(line, settings.LEDGER_SEAL_SYSLOG)
        except Exception:
            logger.exception("Could not send the ledger seal to syslog at %s", settings.LEDGER_SEAL_SYSLOG)
    if settings.LEDGER_SEAL_EMAIL and (head_moved or not seal.get("chain_verified")):
        try:
            email_seal(seal, line)
        except Exception:
            logger.exception("Could not e-mail the ledger seal to the audit administrators")


class _RaisingSysLogHandler(SysLogHandler):
    """A SysLogHandler that lets a failure to send reach the caller (the standard one prints it and goes on)."""

    def handleError(self, record):
        raise  # called by emit() inside its `except`: re-raises what failed


def syslog_address(value: str) -> tuple[str | tuple[str, int], int]:
    """LEDGER_SEAL_SYSLOG → (address, socket type): "/dev/log" (a local socket), "host:port" or "udp://host:port"
    (UDP, port 514 when left out), "tcp://host:port"."""
    if value.startswith("/"):
        return value, socket.SOCK_DGRAM
    scheme, separator, rest = value.partition("://")
    if not separator:
        scheme, rest = "udp", value
    kinds = {"udp": socket.SOCK_DGRAM, "tcp": socket.SOCK_STREAM}
    if scheme not in kinds:
        raise ValueError(f"LEDGER_SEAL_SYSLOG: unknown scheme {scheme!r} (udp://, tcp:// or a socket path)")
    host, colon, port = rest.rpartition(":")
    if not colon or not port.isdigit():
        host, port = rest, "514"
    return (host.strip("[]") or "localhost", int(port)), kinds[scheme]


def send_to_syslog(line: str, address: str) -> None:
    where, kind = syslog_address(address)
    handler = _RaisingSysLogHandler(address=where, facility=SysLogHandler.LOG_AUTH, socktype=kind)
    handler.ident = "juece-ledger-seal: "
    if kind == socket.SOCK_STREAM:
        handler.append_nul = False
        handler.setFormatter(logging.Formatter("%(message)s\n"))  # one seal a line over TCP (octet framing aside)
    try:
        record = logging.LogRecord("accountability.seals", logging.INFO, __file__, 0, "%s", (line,), None)
        handler.emit(record)
    finally:
        handler.close()


def audit_admin_addresses() -> list[str]:
    users = get_user_model().objects.filter(groups__name=AUDIT_ADMIN_GROUP, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def email_seal(seal: dict, line: str) -> None:
    recipients = audit_admin_addresses()
    if not recipients:
        logger.warning("LEDGER_SEAL_EMAIL is on, but no active audit administrator has an e-mail address.")
        return
    verified = seal.get("chain_verified")
    subject = (
        _("Juece ledger seal: event #%(id)s, %(sealed_at)s")
        if verified
        else _("Juece ledger seal: THE LEDGER DOES NOT VERIFY (event #%(id)s, %(sealed_at)s)")
    ) % {"id": seal.get("last_event_id"), "sealed_at": seal.get("sealed_at")}
    body = "\n\n".join(
        [
            _(
                "The audit ledger was sealed. Keep this message: `manage.py verify_ledger --seals FILE` compares the "
                "ledger with the seals kept in FILE (one line each, as below), and a seal the database cannot alter "
                "shows whether events sealed here were later removed or rewritten."
            ),
            _("The chain verified when sealed.")
            if verified
            else _("The chain did NOT verify when sealed: %(problem)s") % {"problem": seal.get("problem", "")},
            line,
        ]
    )
    send_mail(subject, body, None, recipients, fail_silently=False)
