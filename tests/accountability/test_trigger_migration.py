"""The append-only triggers' migration is history: it imports no project code, and its SQL is what triggers.py
(used by the tests around flushes) installs."""

import ast
import importlib
from pathlib import Path

import pytest
from django.db import connection

from accountability import triggers

MIGRATION = "accountability.migrations.0003_append_only_triggers"
MIGRATION_FILE = Path(__file__).resolve().parents[2] / "accountability" / "migrations" / "0003_append_only_triggers.py"


def _imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
            "__import__",
            "import_module",
        }:
            names.add("<dynamic import>")
    return names


def test_the_trigger_migration_imports_only_django():
    imported = _imported_modules(MIGRATION_FILE.read_text(encoding="utf-8"))
    assert imported, "the migration should at least import django.db.migrations"
    assert {name for name in imported if name.split(".")[0] != "django"} == set()


@pytest.mark.parametrize("name", ["POSTGRES_INSTALL", "POSTGRES_DROP", "SQLITE_INSTALL", "SQLITE_DROP"])
def test_the_migration_sql_is_what_triggers_py_installs(name):
    migration = importlib.import_module(MIGRATION)
    assert getattr(migration, name) == getattr(triggers, name)


@pytest.mark.django_db
def test_the_migrated_database_has_the_triggers_the_migration_names():
    if connection.vendor == "postgresql":
        sql = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'accountability_ledgerevent'::regclass AND NOT tgisinternal"
        )
        expected = {"juece_ledger_no_update_delete", "juece_ledger_no_truncate"}
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accountability_ledgerevent'"
        expected = {"juece_ledger_no_update", "juece_ledger_no_delete"}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        assert {row[0] for row in cursor.fetchall()} == expected
