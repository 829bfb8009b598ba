"""Receipt numbers for what the public sends without logging in (opinions, hearing applications, problem reports):
`<prefix>-<year>-<8 characters>` drawn by `secrets` from an alphabet without look-alikes (0/O, 1/I/L). 31^8 ≈ 8.5e11
numbers a year, so one cannot be guessed and the numbers cannot be walked through; with the contact given, a receipt
number reads the item back."""

import secrets

from django.db import IntegrityError, transaction

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 8
RECEIPT_ATTEMPTS = 5


def new_receipt_number(year: int, prefix: str = "YJ") -> str:
    return f"{prefix}-{year}-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def save_with_receipt(obj, *, year: int, prefix: str, refusal: Exception):
    """Insert `obj` with a new receipt number (`prefix`-`year`-…), drawing again on the rare collision; `refusal`
    (a 503) after RECEIPT_ATTEMPTS collisions. Runs in the caller's transaction (a savepoint per attempt)."""
    for _attempt in range(RECEIPT_ATTEMPTS):
        obj.receipt_number = new_receipt_number(year, prefix)
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
            return obj
        except IntegrityError:
            obj.pk = None
    raise refusal  # pragma: no cover - five collisions among 8.5e11 numbers
