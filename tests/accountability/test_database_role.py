"""The ledger's database role (docs/security.md): the application connects as a role that may only SELECT and INSERT
the ledger, so neither a bug nor a stolen application password can change it; a deploy check warns when the
application connects as a superuser (who could drop the triggers)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accountability.checks import check_database_role
from accountability.hashing import chain_hash
from accountability.ledger import LEDGER_ADVISORY_LOCK_KEY, head_hash, verify_chain
from accountability.models import LedgerEvent

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ledger_app_role.sql"
TABLE = "accountability_ledgerevent"


def script_statements() -> list[str]:
    lines = [line for line in SCRIPT.read_text(encoding="utf-8").splitlines() if not line.startswith("--")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def test_the_documented_grants_are_the_script():
    security = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert "## The ledger's database role" in security
    for statement in script_statements():
        assert f"{statement};" in security, statement


def _check_deploy(database_url: str):
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": "/tmp",  # noqa: S108
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LEDGER_SEAL_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "juece.example.gov.cn",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_database_that_does_not_answer_is_reported_not_raised():
    result = _check_deploy("postgres://juece_nobody@127.0.0.1:1/nowhere")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "accountability.I001" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_the_role_check_is_silent_on_sqlite(settings):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite run checks this")
    assert check_database_role(None) == []


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture
def app_role(transactional_db):
    """A role granted exactly as documented (scripts/ledger_app_role.sql), on the test database; dropped after."""
    name = f"juece_test_app_{secrets.token_hex(4)}"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {quoted} LOGIN")
    try:
        with connection.cursor() as cursor:
            for statement in script_statements():
                cursor.execute(statement.replace(':"app_role"', quoted))
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {quoted}")  # its privileges here, default privileges included
            cursor.execute(f"DROP ROLE {quoted}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", [name])
            assert cursor.fetchone()[0] == 0


def connect_as(role: str):
    import psycopg

    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        dbname=database["NAME"],
        user=role,
        autocommit=True,
    )


def insert_event(cursor) -> int:
    """What record_event does, in SQL, as the application role: lock the head, chain the event, INSERT it."""
    event = LedgerEvent(
        occurred_at=timezone.now(),
        actor_name="system",
        role="system",
        action="test.app_role",
        object_type="accounts.user",
        object_id="0",
        algorithm="sha256",
        prev_hash=head_hash(),
    )
    event.hash = chain_hash(event.algorithm, event.prev_hash, event.canonical_payload())
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_ADVISORY_LOCK_KEY])
    cursor.execute(
        f"""INSERT INTO {TABLE} (occurred_at, actor_name, role, action, object_type, object_id, object_repr, before,
            after, reason, client_address, algorithm, prev_hash, hash)
            VALUES (%s, %s, %s, %s, %s, %s, '', %s::jsonb, %s::jsonb, '', '', %s, %s, %s) RETURNING id""",
        [
            event.occurred_at,
            event.actor_name,
            event.role,
            event.action,
            event.object_type,
            event.object_id,
            json.dumps(event.before),
            json.dumps(event.after),
            event.algorithm,
            event.prev_hash,
            event.hash,
        ],
    )
    return cursor.fetchone()[0]


@pytest.mark.postgres_only
def test_the_application_role_may_only_select_and_insert_the_ledger(app_role, world):
    import psycopg

    with connect_as(app_role) as app, app.cursor() as cursor:
        cursor.execute("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
        assert cursor.fetchone() == (app_role, False)

        with app.transaction():
            new_id = insert_event(cursor)
        cursor.execute(f"SELECT count(*), max(id) FROM {TABLE}")
        assert cursor.fetchone() == (LedgerEvent.objects.count(), new_id)

        for statement in (
            f"UPDATE {TABLE} SET reason = 'rewritten' WHERE id = {new_id}",
            f"DELETE FROM {TABLE} WHERE id = {new_id}",
            f"TRUNCATE {TABLE}",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"permission denied for table {TABLE}"):
                cursor.execute(statement)

        # Everything else as usual: the business tables are read and written.
        cursor.execute("UPDATE decisions_decision SET title = title WHERE id = %s", [-1])
        cursor.execute("DELETE FROM django_session WHERE session_key = %s", ["none"])

    assert LedgerEvent.objects.filter(pk=new_id, reason="").exists()
    assert verify_chain().ok


@pytest.mark.postgres_only
def test_the_deploy_check_warns_about_a_superuser(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("the test database is not reached as a superuser here")
    [warning] = check_database_role(None)
    assert warning.id == "accountability.W002"
    assert "superuser" in warning.msg


@pytest.mark.postgres_only
def test_check_deploy_as_the_application_role_is_clean_and_as_a_superuser_warns(app_role):
    database = connection.settings_dict
    where = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    as_app = _check_deploy(f"postgres://{app_role}@{where}")
    assert as_app.returncode == 0, as_app.stdout + as_app.stderr
    assert "no issues" in as_app.stdout
    as_owner = _check_deploy(f"postgres://{database['USER']}@{where}")
    assert as_owner.returncode != 0
    assert "accountability.W002" in as_owner.stdout + as_owner.stderr
