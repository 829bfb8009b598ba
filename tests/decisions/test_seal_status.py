"""The decision page's ledger section shows those who read the ledger (supervisor, audit administrator) the newest
seal: how old it is, and whether the chain verified when it was taken. Read from the seal file's last line only."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accountability import seals
from accountability.services import seal_ledger_head
from tests.accountability.test_seals import TABLE, tamper
from tests.factories import add_remaining_personas
from tests.factories import log_in_in_english as login

pytestmark = pytest.mark.usefixtures("english")


def seal_paragraph(client, decision) -> str | None:
    content = client.get(reverse("manage:decision", args=[decision.pk])).content.decode()
    found = re.search(r'<p class="help" id="ledger-seal">(.*?)</p>', content, re.S)
    return " ".join(found.group(1).split()) if found else None


@pytest.fixture
def reader(client, world):
    login(client, world.supervisor)
    return client


def test_not_sealed_yet(reader, decision):
    assert "The ledger has not been sealed outside the database yet." in seal_paragraph(reader, decision)


def test_the_newest_seal_age_and_that_the_chain_verified(reader, world, decision):
    seal = seal_ledger_head()
    text = seal_paragraph(reader, decision)
    assert "Sealed" in text and "Newest seal: 0 minutes ago (" in text
    assert f"The chain verified when it was sealed, up to event #{seal['last_event_id']}." in text


def test_the_audit_administrator_sees_it_too(client, world, decision):
    add_remaining_personas(world)
    seal_ledger_head()
    login(client, world.audit_admin)
    assert "Newest seal: 0 minutes ago" in seal_paragraph(client, decision)


@pytest.mark.parametrize("persona", ["drafter", "gov", "legal_reviewer"])
def test_others_do_not_see_it(client, world, decision, persona):
    seal_ledger_head()
    login(client, getattr(world, persona))
    assert seal_paragraph(client, decision) is None


def test_a_seal_of_a_chain_that_did_not_verify(reader, world, decision):
    services_seal = seal_ledger_head()
    tamper(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["改过", services_seal["last_event_id"]])
    with translation.override("en"):
        seal_ledger_head()
    text = seal_paragraph(reader, decision)
    assert "Chain did not verify" in text
    assert "The chain did NOT verify when it was sealed: content does not match its hash" in text


def test_an_overdue_seal(reader, decision):
    seal_ledger_head()
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=2)):
        text = seal_paragraph(reader, decision)
    assert "Seal overdue" in text and "Newest seal: 2 hours ago" in text
    assert "sealing has stopped" in text


def test_a_forged_last_line(reader, decision, settings):
    seal = seal_ledger_head()
    with open(settings.LEDGER_SEAL_DIR / seals.SEAL_FILE_NAME, "a", encoding="utf-8") as handle:
        handle.write(seals.canonical_json(seal | {"head_hash": "0" * 64}) + "\n")
    assert "Seal not authentic" in seal_paragraph(reader, decision)


def test_the_page_reads_only_the_last_line(reader, decision):
    seal_ledger_head()
    with mock.patch.object(seals, "read_numbered_seals", side_effect=AssertionError("no full read")):
        assert "Newest seal" in seal_paragraph(reader, decision)
