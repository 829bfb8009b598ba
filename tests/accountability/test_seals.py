"""The chain compared with its seals: deleting or re-hashing the tail links up by itself, but not with the seals.

A database superuser can drop the append-only triggers; these tests do the same (inside the test's transaction, and
put them back), then delete or rewrite events the way such a person could.
"""

import hmac
import json
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from accountability import triggers
from accountability.hashing import canonical_json, chain_hash
from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from accountability.seals import Authenticity, authenticity, newest_seal_status, read_last_line, sign
from accountability.services import read_seals, seal_ledger_head
from decisions import services
from tests.factories import enter_in_catalog, make_decision

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
    enter_in_catalog(world, decision)
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
    out = verify_ledger().splitlines()
    assert out[0] == f"Ledger intact: {LedgerEvent.objects.count()} events verified; 3 seals matched."
    head = LedgerEvent.objects.order_by("-id").first()
    assert out[1].startswith("Newest seal: ")
    assert out[1].endswith(f"0 minutes ago, authenticated, at event #{head.pk}; the chain verified then.")


def test_older_seals_still_match_after_more_events(sealed, world, decision):
    make_decision(world, title="新的事项")
    assert "3 seals matched" in verify_ledger()


def test_a_seal_of_the_empty_ledger_matches_trivially(db):
    assert LedgerEvent.objects.count() == 0
    seal = seal_ledger_head()
    assert seal["last_event_id"] is None
    assert verify_ledger().splitlines()[0] == "Ledger intact: 0 events verified; 1 seal matched."


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
    make_decision(world, title="新的事项")  # the chain grows on
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


def append_line(seal: dict) -> None:
    with open(seal_file(), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(seal) + "\n")


def test_a_forged_seal_line_without_an_hmac_is_refused(sealed):
    head = LedgerEvent.objects.order_by("-id").first()
    forged = {"sealed_at": "2026-05-01T10:00:00+08:00", "last_event_id": head.pk, "head_hash": "0" * 64}
    append_line(forged | {"algorithm": "sha256"})
    message = verify_ledger_fails()
    assert "is not authentic: line 4: the seal of 2026-05-01T10:00:00+08:00 carries no HMAC" in message


def test_a_forged_or_altered_hmac_is_refused(sealed):
    first, _second = sealed
    append_line(first | {"head_hash": "0" * 64})  # the HMAC of another content
    assert "line 4: the seal of" in (message := verify_ledger_fails())
    assert "does not verify with LEDGER_SEAL_KEY" in message


def test_a_seal_under_another_key_is_refused(sealed, settings):
    settings.LEDGER_SEAL_KEY = "another-key-another-key-another-key"
    assert "line 1: the seal of" in (message := verify_ledger_fails())
    assert "does not verify with LEDGER_SEAL_KEY" in message


def test_an_authentic_seal_of_another_head_is_a_mismatch(sealed, settings):
    """Whoever holds the key could write a seal: it is still compared with the chain."""
    head = LedgerEvent.objects.order_by("-id").first()
    forged = {"sealed_at": "2026-05-01T10:00:00+08:00", "last_event_id": head.pk, "head_hash": "0" * 64}
    append_line(sign(forged | {"algorithm": "sha256"}, settings.LEDGER_SEAL_KEY, "sha256"))
    assert f"event #{head.pk} differs from its seal of 2026-05-01T10:00:00+08:00" in verify_ledger_fails()


def test_seals_of_the_first_format_are_read_and_reported_unauthenticated(world, decision):
    enter_in_catalog(world, decision)
    head = LedgerEvent.objects.order_by("-id").first()
    seal_file().parent.mkdir(parents=True)
    for _time in range(2):  # what seal_ledger_head wrote before seals were authenticated
        append_line({"sealed_at": timezone.now().isoformat(), "last_event_id": head.pk, "head_hash": head.hash,
                     "algorithm": "sha256"})  # fmt: skip
    out = verify_ledger().splitlines()
    assert out[0] == f"Ledger intact: {LedgerEvent.objects.count()} events verified; 2 seals matched."
    assert "unauthenticated (no HMAC)" in out[1] and "whether the chain verified was not recorded" in out[1]
    assert "2 seals are unauthenticated (written before seals carried an HMAC)." in out
    seal_ledger_head()  # the next seal is authenticated, and it verified the older ones
    assert authenticity(read_seals(seal_file())[-1], settings.LEDGER_SEAL_KEY) == Authenticity.AUTHENTICATED
    assert "3 seals matched" in verify_ledger()


def test_a_seal_is_an_hmac_sha256_of_its_other_fields_under_the_key(sealed):
    seal = read_seals(seal_file())[-1]
    assert seal["mac_algorithm"] == "hmac-sha256"
    body = canonical_json({name: value for name, value in seal.items() if name != "mac"}).encode()
    assert seal["mac"] == hmac.new(settings.LEDGER_SEAL_KEY.encode(), body, "sha256").hexdigest()
    assert (seal["chain_verified"], seal["problem"]) == (True, "")
    assert seal["verified_events"] == LedgerEvent.objects.count()


def test_with_sm3_seals_are_authenticated_with_hmac_sm3(world, decision, settings):
    settings.LEDGER_HASH_ALGORITHM = "sm3"
    enter_in_catalog(world, decision)
    seal = seal_ledger_head()
    assert (seal["algorithm"], seal["mac_algorithm"]) == ("sm3", "hmac-sm3")
    body = canonical_json({name: value for name, value in seal.items() if name != "mac"}).encode()
    assert seal["mac"] == hmac.new(settings.LEDGER_SEAL_KEY.encode(), body, "sm3").hexdigest()
    assert "1 seal matched" in verify_ledger()


def test_without_a_key_nothing_is_sealed(world, settings):
    settings.LEDGER_SEAL_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="LEDGER_SEAL_KEY"):
        seal_ledger_head()
    with translation.override("en"), pytest.raises(CommandError, match="LEDGER_SEAL_KEY") as caught:
        call_command("seal_ledger", stdout=StringIO())
    assert caught.value.returncode == 1
    assert not seal_file().exists()


def test_seal_ledger_command_seals_on_demand(world):
    out = StringIO()
    with translation.override("en"):
        call_command("seal_ledger", stdout=out)
    head = LedgerEvent.objects.order_by("-id").first()
    assert out.getvalue().startswith(f"Ledger sealed: event #{head.pk} (")
    assert read_seals(seal_file())[-1]["head_hash"] == head.hash


def test_a_seal_records_that_the_chain_did_not_verify(sealed):
    first, _second = sealed
    tamper(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["改过", first["last_event_id"]])
    with translation.override("en"):
        seal = seal_ledger_head()  # a seal is still taken, and says so
    assert seal["chain_verified"] is False and "altered" in seal["problem"]
    status = newest_seal_status()
    assert (status.chain_verified, status.authenticity) == (False, Authenticity.AUTHENTICATED)


def test_the_newest_seal_is_read_from_the_end_of_a_long_file(sealed):
    for _time in range(200):
        seal_ledger_head()
    last = seal_ledger_head()
    assert seal_file().stat().st_size > 4096 * 10
    assert read_last_line(seal_file(), block=64) == json.dumps(last, ensure_ascii=False)
    status = newest_seal_status()
    assert (status.last_event_id, status.chain_verified, status.overdue) == (last["last_event_id"], True, False)


# ---------------------------------------------------------------- the seal window, and seals that are required


def test_the_seal_window_dropping_the_newest_event_after_a_seal_is_found(world, decision):
    """Events, a seal, then a superuser drops the newest event (triggers off): the seal names a head that is gone."""
    enter_in_catalog(world, decision)
    services.start_drafting(decision=decision, actor=world.drafter)
    seal = seal_ledger_head()
    newest = LedgerEvent.objects.order_by("-id").first()
    assert seal["last_event_id"] == newest.pk
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [newest.pk])

    assert verify_chain().ok  # what is left links up
    assert "Ledger intact" in verify_ledger("--no-seals")
    message = verify_ledger_fails()
    assert f"sealed event #{newest.pk} is missing (the chain was truncated)" in message


def test_events_after_the_newest_seal_are_reported_as_not_sealed_yet(sealed, world, decision):
    make_decision(world, title="新的事项")
    assert "1 event is not sealed yet, from 0 minutes ago." in verify_ledger().splitlines()


def test_a_missing_seal_file_fails_when_seals_are_required(world, settings):
    assert settings.LEDGER_SEALS_REQUIRED and not seal_file().exists()
    assert "no seals were checked" in verify_ledger()  # the events are younger than two seal intervals
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=11)):
        message = verify_ledger_fails()
        assert "Seals are required (LEDGER_SEALS_REQUIRED) and missing: there is no seal file at" in message
        settings.LEDGER_SEALS_REQUIRED = False  # development: reported, not a failure
        assert "no seals were checked" in verify_ledger()


def test_a_missing_seal_file_with_an_empty_ledger_is_no_failure(db):
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=1)):
        assert verify_ledger().splitlines()[:2] == [
            f"Ledger intact: 0 events verified; no seals were checked (no seal file at {seal_file()}).",
            f"Newest seal: none yet ({seal_file()}).",
        ]


def test_unsealed_events_older_than_two_intervals_fail_when_seals_are_required(sealed, world, decision):
    make_decision(world, title="新的事项")
    later = timezone.now() + timedelta(minutes=11)
    with mock.patch("django.utils.timezone.now", return_value=later):
        message = verify_ledger_fails()
    assert "are not covered by any seal" in message


def test_a_stale_newest_seal_fails_when_seals_are_required(sealed, settings):
    later = timezone.now() + timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        message = verify_ledger_fails()
        assert "the newest seal in" in message and "is 1 hour old" in message
        settings.LEDGER_SEAL_INTERVAL_MINUTES = 60
        assert "3 seals matched" in verify_ledger()


def test_the_age_of_the_newest_seal_is_reported_when_verification_fails(sealed):
    first, _second = sealed
    tamper(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["改过", first["last_event_id"]])
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("verify_ledger", stdout=out)
    assert out.getvalue().startswith("Newest seal: ")
    assert "0 minutes ago, authenticated" in out.getvalue()


def test_the_triggers_are_back_after_tampering(sealed):
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [LedgerEvent.objects.order_by("-id").values_list("id", flat=True)[0]])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
