"""Each seal is sent off the host after it is written: to syslog, and by e-mail to the audit administrators.

Sending is best effort: a syslog or mail server that is down is logged, and the seal is written all the same.
"""

import json
import logging
import socket

import pytest
from django.conf import settings
from django.core import mail

from accountability.models import LedgerEvent
from accountability.seals import Authenticity, authenticity
from accountability.services import AUDIT_ADMIN_GROUP, read_seals, seal_ledger_head, syslog_address
from accounts.roles import Role
from tests.factories import add_remaining_personas, enter_in_catalog, make_user

pytestmark = pytest.mark.usefixtures("english")


def seal_file():
    return settings.LEDGER_SEAL_DIR / "ledger-seals.jsonl"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def syslog_payload(message: bytes) -> dict:
    text = message.decode("utf-8").rstrip("\x00\n")
    assert text.startswith(f"<{(4 << 3) | 6}>")  # facility auth, severity info
    prefix = "juece-ledger-seal: "
    assert prefix in text
    return json.loads(text.split(prefix, 1)[1])


def test_the_audit_admin_group_is_the_audit_admin_role():
    assert Role.AUDIT_ADMIN.value == AUDIT_ADMIN_GROUP


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/dev/log", ("/dev/log", socket.SOCK_DGRAM)),
        ("syslog.example.gov.cn", (("syslog.example.gov.cn", 514), socket.SOCK_DGRAM)),
        ("10.0.0.5:5514", (("10.0.0.5", 5514), socket.SOCK_DGRAM)),
        ("udp://10.0.0.5:5514", (("10.0.0.5", 5514), socket.SOCK_DGRAM)),
        ("tcp://[::1]:601", (("::1", 601), socket.SOCK_STREAM)),
    ],
)
def test_syslog_addresses(value, expected):
    assert syslog_address(value) == expected


# ---------------------------------------------------------------- syslog


def test_each_seal_goes_to_syslog_over_udp(world, settings):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(5)
        settings.LEDGER_SEAL_SYSLOG = f"127.0.0.1:{server.getsockname()[1]}"
        first = seal_ledger_head()
        second = seal_ledger_head()  # the same head: syslog still gets it (the newest seal's age matters)
        received = [syslog_payload(server.recv(65535)) for _time in range(2)]
    assert received == [first, second]
    assert authenticity(received[0], settings.LEDGER_SEAL_KEY) == Authenticity.AUTHENTICATED


def test_a_seal_goes_to_syslog_over_tcp(world, settings):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(5)
        settings.LEDGER_SEAL_SYSLOG = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        seal = seal_ledger_head()
        connection, _address = server.accept()
        with connection:
            connection.settimeout(5)
            received = connection.recv(65535)
    assert received.endswith(b"\n")
    assert syslog_payload(received) == seal


def test_a_seal_goes_to_a_local_syslog_socket(world, settings, tmp_path):
    path = tmp_path / "log"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(5)
        settings.LEDGER_SEAL_SYSLOG = str(path)
        seal = seal_ledger_head()
        assert syslog_payload(server.recv(65535)) == seal


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "/nonexistent/juece/log", "smtp://nowhere"])
def test_syslog_down_is_logged_and_the_seal_is_kept(world, settings, caplog, address):
    settings.LEDGER_SEAL_SYSLOG = address.format(port=free_port())
    with caplog.at_level(logging.ERROR, logger="accountability.seals"):
        seal = seal_ledger_head()
    assert read_seals(seal_file()) == [seal]
    assert any("Could not send the ledger seal to syslog" in record.getMessage() for record in caplog.records)


# ---------------------------------------------------------------- e-mail to the audit administrators


@pytest.fixture
def audit_admins(world):
    add_remaining_personas(world)
    world.audit_admin.email = "audit@example.gov.cn"
    world.audit_admin.save(update_fields=["email"])
    second = make_user("auditadmin2", world.city, Role.AUDIT_ADMIN, name="审计二")
    second.email = "audit2@example.gov.cn"
    second.save(update_fields=["email"])
    gone = make_user("auditadmin3", world.city, Role.AUDIT_ADMIN, name="已离职")
    gone.email, gone.is_active = "gone@example.gov.cn", False
    gone.save(update_fields=["email", "is_active"])
    make_user("nomail", world.city, Role.AUDIT_ADMIN, name="无邮箱")
    world.supervisor.email = "supervisor@example.gov.cn"  # not an audit administrator
    world.supervisor.save(update_fields=["email"])
    return ["audit2@example.gov.cn", "audit@example.gov.cn"]


def test_without_ledger_seal_email_nothing_is_mailed(audit_admins, settings):
    assert settings.LEDGER_SEAL_EMAIL is False
    seal_ledger_head()
    assert mail.outbox == []


def test_a_seal_is_mailed_to_the_active_audit_administrators(audit_admins, settings):
    settings.LEDGER_SEAL_EMAIL = True
    seal = seal_ledger_head()
    [message] = mail.outbox
    assert sorted(message.to) == audit_admins
    assert message.subject == f"Juece ledger seal: event #{seal['last_event_id']}, {seal['sealed_at']}"
    assert "The chain verified when sealed." in message.body
    line = message.body.strip().splitlines()[-1]
    assert json.loads(line) == seal
    assert authenticity(json.loads(line), settings.LEDGER_SEAL_KEY) == Authenticity.AUTHENTICATED


def test_only_a_seal_whose_head_moved_is_mailed(audit_admins, settings, world, decision):
    settings.LEDGER_SEAL_EMAIL = True
    seal_ledger_head()
    seal_ledger_head()  # nothing happened since: syslog would get it, the mailboxes do not
    assert len(mail.outbox) == 1
    enter_in_catalog(world, decision)
    seal = seal_ledger_head()
    assert len(mail.outbox) == 2
    assert f"event #{seal['last_event_id']}" in mail.outbox[-1].subject


def test_a_seal_of_a_chain_that_does_not_verify_is_always_mailed(audit_admins, settings):
    from tests.accountability.test_seals import tamper

    settings.LEDGER_SEAL_EMAIL = True
    seal_ledger_head()
    head = LedgerEvent.objects.order_by("-id").first()
    tamper("UPDATE accountability_ledgerevent SET reason = %s WHERE id = %s", ["改过", head.pk])
    seal = seal_ledger_head()  # the head's id and hash did not move; its content did
    assert seal["chain_verified"] is False
    assert len(mail.outbox) == 2
    assert "THE LEDGER DOES NOT VERIFY" in mail.outbox[-1].subject
    assert "The chain did NOT verify when sealed" in mail.outbox[-1].body


def test_a_mail_server_that_is_down_is_logged_and_the_seal_is_kept(audit_admins, settings, caplog):
    settings.LEDGER_SEAL_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    with caplog.at_level(logging.ERROR, logger="accountability.seals"):
        seal = seal_ledger_head()
    assert read_seals(seal_file()) == [seal]
    assert any("Could not e-mail the ledger seal" in record.getMessage() for record in caplog.records)


def test_no_audit_administrator_with_an_address_is_a_warning(world, settings, caplog):
    settings.LEDGER_SEAL_EMAIL = True
    with caplog.at_level(logging.WARNING, logger="accountability.seals"):
        seal_ledger_head()
    assert mail.outbox == []
    assert any("no active audit administrator" in record.getMessage() for record in caplog.records)
