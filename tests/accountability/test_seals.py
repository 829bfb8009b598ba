"""The chain compared with its seals: deleting or re-hashing the tail links up by itself, but not with the seals.

A database superuser can drop the append-only triggers; these tests do the same (inside the test's transaction, and
put them back), then delete or rewrite events the way such a person could.
"""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from accountability import triggers
from accountability.hashing import chain_hash
from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from accountability.services import read_seals, seal_ledger_head
from decisions import services

TABLE = "accountability_ledgerevent"


def seal_file():
    return settings.LEDGER_SEAL_DIR / "ledger-seals.jsonl"


def verify_ledger(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("verify_ledger", *args, stdout=out)
    return out.getvalue()


def verify_ledger_fails(*args) -> str:
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("verify_ledger", *args, stdout=StringIO())
    assert caught.value.returncode == 1
    return str(caught.value)


def tamper(statement: str, params=()) -> None:
    """What a database superuser could do: switch the triggers off, change the table, switch them on again."""
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
    finally:
        triggers.install(connection)


def rewrite_consistently(event: LedgerEvent, reason: str) -> None:
    """Change an event's reason and re-hash it (and everything after it), so the chain links up again."""
    events = list(LedgerEvent.objects.filter(id__gte=event.pk).order_by("id"))
    events[0].reason = reason
    prev_hash = events[0].prev_hash
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            for each in events:
                each.prev_hash = prev_hash
                each.hash = chain_hash(each.algorithm, each.prev_hash, each.canonical_payload())
                cursor.execute(
                    f"UPDATE {TABLE} SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                    [each.reason, each.prev_hash, each.hash, each.pk],
                )
                prev_hash = each.hash
    finally:
        triggers.install(connection)


@pytest.fixture
def sealed(world, decision):
    """Three seals: after cataloging, after drafting started, and again with no new event (the same head)."""
    services.catalog_decision(decision=decision, actor=world.gov)
    first = seal_ledger_head()
    services.start_drafting(decision=decision, actor=world.drafter)
    second = seal_ledger_head()
    seal_ledger_head()
    return first, second


# ---------------------------------------------------------------- intact


def test_intact_ledger_matches_every_seal(sealed):
    seals = read_seals(seal_file())
    assert len(seals) == 3
    result = verify_chain(seals=seals)
    assert (result.ok, result.verified, result.seals_matched) == (True, LedgerEvent.objects.count(), 3)
    assert verify_ledger() == f"Ledger intact: {LedgerEvent.objects.count()} events verified; 3 seals matched.\n"


def test_older_seals_still_match_after_more_events(sealed, world, decision):
    services.withdraw_decision(decision=decision, actor=world.gov, reason="不再列入目录。")
    assert "3 seals matched" in verify_ledger()


def test_a_seal_of_the_empty_ledger_matches_trivially(db):
    assert LedgerEvent.objects.count() == 0
    seal = seal_ledger_head()
    assert seal["last_event_id"] is None
    assert verify_ledger() == "Ledger intact: 0 events verified; 1 seal matched.\n"


def test_without_a_seal_file_it_says_no_seals_were_checked(world):
    assert not seal_file().exists()
    out = verify_ledger()
    assert out.startswith(f"Ledger intact: {LedgerEvent.objects.count()} events verified; no seals were checked")
    assert str(seal_file()) in out


def test_seals_from_another_path_and_no_seals(sealed, tmp_path):
    elsewhere = tmp_path / "exported"
    elsewhere.mkdir()
    (elsewhere / "ledger-seals.jsonl").write_text(seal_file().read_text(encoding="utf-8"), encoding="utf-8")
    seal_file().unlink()
    assert "3 seals matched" in verify_ledger("--seals", str(elsewhere / "ledger-seals.jsonl"))
    assert "3 seals matched" in verify_ledger("--seals", str(elsewhere))  # the folder holding the file
    assert "seals not checked" in verify_ledger("--no-seals")
    assert "No seal file" in verify_ledger_fails("--seals", str(tmp_path / "nowhere.jsonl"))


def test_an_unreadable_seal_file_is_a_failure(sealed):
    with open(seal_file(), "a", encoding="utf-8") as handle:
        handle.write('{"sealed_at": "2026-01-01T00:00:00+08:00", "last_ev\n')
    assert "Line 4" in verify_ledger_fails()
    assert "seals not checked" in verify_ledger("--no-seals")


# ---------------------------------------------------------------- tampering the seals reveal


def test_truncated_tail_is_found_by_the_seals(sealed):
    first, second = sealed
    sealed_id = second["last_event_id"]
    tamper(f"DELETE FROM {TABLE} WHERE id >= %s", [first["last_event_id"] + 1])
    assert not LedgerEvent.objects.filter(pk=sealed_id).exists()

    assert verify_chain().ok  # the chain that is left links up by itself …
    result = verify_chain(seals=read_seals(seal_file()))  # … but two seals name an event that is gone
    assert (result.ok, result.broken_at, result.seal_problem) == (False, sealed_id, True)
    assert result.seals_matched == 1
    message = verify_ledger_fails()
    assert f"sealed event #{sealed_id} is missing (the chain was truncated)" in message
    assert "Ledger intact" in verify_ledger("--no-seals")


def test_truncated_tail_followed_by_new_events_is_still_found(sealed, world, decision):
    first, second = sealed
    tamper(f"DELETE FROM {TABLE} WHERE id > %s", [first["last_event_id"]])
    services.withdraw_decision(decision=decision, actor=world.gov, reason="撤回。")  # the chain grows on
    assert verify_chain().ok
    assert f"sealed event #{second['last_event_id']} is missing" in verify_ledger_fails()


def test_rewritten_and_rehashed_event_is_found_by_its_seal(sealed):
    first, _second = sealed
    target = LedgerEvent.objects.get(pk=first["last_event_id"])
    rewrite_consistently(target, "事后补写的理由")

    assert verify_chain().ok  # re-hashed consistently: the chain alone cannot tell
    result = verify_chain(seals=read_seals(seal_file()))
    assert (result.ok, result.broken_at, result.seal_problem) == (False, target.pk, True)
    message = verify_ledger_fails()
    assert f"event #{target.pk} differs from its seal of {first['sealed_at']}" in message


def test_a_broken_link_is_reported_before_the_seals(sealed):
    first, _second = sealed
    target = LedgerEvent.objects.get(pk=first["last_event_id"])
    tamper(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["改过", target.pk])
    result = verify_chain(seals=read_seals(seal_file()))
    assert (result.ok, result.broken_at, result.seal_problem) == (False, target.pk, False)
    message = verify_ledger_fails()
    assert f"Ledger broken at event #{target.pk}" in message and "altered" in message


def test_a_forged_seal_line_is_a_mismatch(sealed):
    head = LedgerEvent.objects.order_by("-id").first()
    with open(seal_file(), "a", encoding="utf-8") as handle:
        forged = {"sealed_at": "2026-05-01T10:00:00+08:00", "last_event_id": head.pk, "head_hash": "0" * 64}
        handle.write(json.dumps(forged | {"algorithm": "sha256"}) + "\n")
    assert f"event #{head.pk} differs from its seal of 2026-05-01T10:00:00+08:00" in verify_ledger_fails()


def test_the_triggers_are_back_after_tampering(sealed):
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [LedgerEvent.objects.order_by("-id").values_list("id", flat=True)[0]])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
