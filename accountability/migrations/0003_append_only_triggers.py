"""The ledger table's append-only triggers.

A migration is history: it must do tomorrow exactly what it did the day it was written, so the SQL is written out
here and this file imports no project module. accountability/triggers.py keeps the same statements for the test
suite (which drops and reinstalls them around Django's flush); tests/accountability/test_trigger_migration.py checks
that the two never drift apart and that this file imports only Django.
"""

from django.db import migrations

POSTGRES_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION juece_ledger_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit ledger is append-only: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """CREATE TRIGGER juece_ledger_no_update_delete BEFORE UPDATE OR DELETE ON accountability_ledgerevent
        FOR EACH ROW EXECUTE FUNCTION juece_ledger_refuse_change();""",
    """CREATE TRIGGER juece_ledger_no_truncate BEFORE TRUNCATE ON accountability_ledgerevent
        FOR EACH STATEMENT EXECUTE FUNCTION juece_ledger_refuse_change();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS juece_ledger_no_update_delete ON accountability_ledgerevent;",
    "DROP TRIGGER IF EXISTS juece_ledger_no_truncate ON accountability_ledgerevent;",
]

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS juece_ledger_no_update BEFORE UPDATE ON accountability_ledgerevent
        BEGIN SELECT RAISE(ABORT, 'the audit ledger is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS juece_ledger_no_delete BEFORE DELETE ON accountability_ledgerevent
        BEGIN SELECT RAISE(ABORT, 'the audit ledger is append-only: DELETE refused'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS juece_ledger_no_update;",
    "DROP TRIGGER IF EXISTS juece_ledger_no_delete;",
]


def _execute(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _execute(schema_editor, POSTGRES_DROP + POSTGRES_INSTALL)
    elif vendor == "sqlite":
        _execute(schema_editor, SQLITE_INSTALL)
    else:
        raise RuntimeError(f"no append-only ledger triggers written for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _execute(schema_editor, POSTGRES_DROP)
    elif vendor == "sqlite":
        _execute(schema_editor, SQLITE_DROP)
    else:
        raise RuntimeError(f"no append-only ledger triggers written for {vendor}")


class Migration(migrations.Migration):
    dependencies = [("accountability", "0002_initial")]

    operations = [migrations.RunPython(install_triggers, drop_triggers)]
