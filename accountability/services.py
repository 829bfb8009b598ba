"""Keeping the ledger honest beyond the database: sealing its head in a file outside it."""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LedgerEvent

SEAL_FILE_NAME = "ledger-seals.jsonl"


def seal_ledger_head(*, seal_dir: Path | None = None) -> dict:
    """Append the current chain head (last event id, hash, algorithm) to a seal file outside the database.

    A database superuser could rewrite the whole chain consistently; a seal kept elsewhere shows that it happened.
    """
    head = LedgerEvent.objects.order_by("-id").values("id", "hash", "algorithm").first()
    seal = {
        "sealed_at": timezone.now().isoformat(),
        "last_event_id": head["id"] if head else None,
        "head_hash": head["hash"] if head else None,
        "algorithm": head["algorithm"] if head else None,
    }
    folder = Path(seal_dir or settings.LEDGER_SEAL_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / SEAL_FILE_NAME, "a", encoding="utf-8") as seal_file:
        seal_file.write(json.dumps(seal, ensure_ascii=False) + "\n")
    return seal


def default_seal_file() -> Path:
    return Path(settings.LEDGER_SEAL_DIR) / SEAL_FILE_NAME


class SealFileError(ValueError):
    """The seal file cannot be read as seals: a line is not JSON, or not a seal."""


def read_seals(path: Path) -> list[dict]:
    """The seals `seal_ledger_head` appended to `path`, in order (blank lines skipped)."""
    seals = []
    with open(path, encoding="utf-8") as seal_file:
        for number, line in enumerate(seal_file, start=1):
            if not line.strip():
                continue
            try:
                seal = json.loads(line)
            except json.JSONDecodeError:
                seal = None
            if not isinstance(seal, dict) or "last_event_id" not in seal or "head_hash" not in seal:
                raise SealFileError(
                    _("Line %(line)s of %(path)s is not a ledger seal.") % {"line": number, "path": path}
                )
            seals.append(seal)
    return seals
