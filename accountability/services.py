"""Keeping the ledger honest beyond the database: sealing its head in a file outside it (DESIGN.md §4)."""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import LedgerEvent


def seal_ledger_head(*, seal_dir: Path | None = None) -> dict:
    """Append the current chain head (last id, hash, count) to a seal file outside the database.

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
    with open(folder / "ledger-seals.jsonl", "a", encoding="utf-8") as seal_file:
        seal_file.write(json.dumps(seal, ensure_ascii=False) + "\n")
    return seal
