"""Hand-written triggers that make the ledger table append-only in the database itself.

Migration 0003 installs them with its own copy of these statements (a migration never imports live code, so it
stays what it was); tests/accountability/test_trigger_migration.py keeps the two equal. The test suite uses this
module to drop and reinstall them, only around Django's own flush of transactional tests.
"""

TABLE = "accountability_ledgerevent"

POSTGRES_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION juece_ledger_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit ledger is append-only: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""CREATE TRIGGER juece_ledger_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION juece_ledger_refuse_change();""",
    f"""CREATE TRIGGER juece_ledger_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION juece_ledger_refuse_change();""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS juece_ledger_no_update_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS juece_ledger_no_truncate ON {TABLE};",
]

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS juece_ledger_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit ledger is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS juece_ledger_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit ledger is append-only: DELETE refused'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS juece_ledger_no_update;",
    "DROP TRIGGER IF EXISTS juece_ledger_no_delete;",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_DROP
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_DROP
    raise RuntimeError(f"no append-only ledger triggers written for {vendor}")


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRES_DROP:
                cursor.execute(statement)
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
