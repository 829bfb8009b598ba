"""The benchmark databases: PostgreSQL databases of their own, created, migrated and dropped by benchmarks.

The development database is never touched: Django is pointed at the benchmark URL (DATABASE_URL is set before
`django.setup()`), and a database is only ever created or dropped when its name contains "bench".

A benchmark comparing scales keeps one database per scale (`sibling`) and switches Django's default connection
between them (`activate`), each with its own open, warm connection, so that it can interleave the timed calls:
whatever else the machine is doing then weighs on every scale alike.
"""

import os
import time
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg
from psycopg import sql

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/juece_bench"


class BenchDatabaseError(RuntimeError):
    pass


def default_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def _parsed(url: str) -> dict:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise BenchDatabaseError(f"the benchmarks run on PostgreSQL only, not on {config['ENGINE']} ({url})")
    if "bench" not in (config["NAME"] or ""):
        raise BenchDatabaseError(
            f"refusing to use database {config['NAME']!r}: the benchmarks drop and recreate their databases, "
            "so the name must contain 'bench' (e.g. juece_bench)"
        )
    return config


def _maintenance_connection(config: dict) -> psycopg.Connection:
    """A connection to the server's `postgres` database, for CREATE/DROP DATABASE."""
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


class BenchDatabase:
    """One benchmark database. Call `configure()` on the main one before `django.setup()`."""

    def __init__(self, url: str, *, main: bool = True):
        self.url = url
        self.config = _parsed(url)
        self.name: str = self.config["NAME"]
        self.main = main
        self._wrapper = None  # a sibling's own Django connection

    def __repr__(self) -> str:
        return f"<BenchDatabase {self.name}>"

    def configure(self) -> None:
        os.environ["DATABASE_URL"] = self.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    def sibling(self, suffix: str) -> "BenchDatabase":
        """Another database on the same server, named `<name>_<suffix>`, used through `activate()`."""
        parts = urlsplit(self.url)
        return BenchDatabase(urlunsplit(parts._replace(path=f"/{self.name}_{suffix}")), main=False)

    @contextmanager
    def activate(self):
        """Within the block, Django's default connection is this database's (the main one: unchanged)."""
        if self.main:
            yield
            return
        from django.db import connections

        if self._wrapper is None:
            from django.db.utils import load_backend

            default = connections["default"].settings_dict
            backend = load_backend(default["ENGINE"])
            self._wrapper = backend.DatabaseWrapper({**default, "NAME": self.name}, "default")
        previous = connections["default"]
        connections["default"] = self._wrapper
        try:
            yield
        finally:
            connections["default"] = previous

    def exists(self) -> bool:
        with _maintenance_connection(self.config) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
        return found is not None

    def create_if_missing(self) -> bool:
        if self.exists():
            return False
        with _maintenance_connection(self.config) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'").format(sql.Identifier(self.name)))
        return True

    def close(self) -> None:
        if self.main:
            from django.db import connections

            connections["default"].close()
        elif self._wrapper is not None:
            self._wrapper.close()

    def drop(self) -> None:
        self.close()
        with _maintenance_connection(self.config) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))

    def migrate(self) -> float:
        from django.core.management import call_command

        started = time.perf_counter()
        with self.activate():
            call_command("migrate", interactive=False, verbosity=0)
        return time.perf_counter() - started

    def prepare(self) -> float:
        """Create the database if it is missing and bring its schema up to date. Returns the seconds taken."""
        started = time.perf_counter()
        self.create_if_missing()
        self.migrate()
        return time.perf_counter() - started

    def recreate(self) -> float:
        """Drop and recreate the database, empty and migrated (the ledger refuses DELETE and TRUNCATE)."""
        started = time.perf_counter()
        self.drop()
        self.create_if_missing()
        self.migrate()
        return time.perf_counter() - started

    def analyze(self, *tables: str, vacuum: bool = False) -> float:
        """ANALYZE the tables (every table when none is named); with `vacuum`, VACUUM ANALYZE: what autovacuum does
        after a bulk load (the visibility map set, the GIN indexes' pending lists merged). Returns the seconds taken."""
        from django.db import connection

        command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
        started = time.perf_counter()
        with self.activate(), connection.cursor() as cursor:
            for table in tables or [None]:
                target = sql.SQL(command + " {}").format(sql.Identifier(table)) if table else sql.SQL(command)
                cursor.execute(target.as_string(cursor.connection))
        return time.perf_counter() - started

    def checkpoint(self) -> float | None:
        """Write out the dirty pages a bulk load left behind, so that writing them does not slow timed calls.

        Server-wide. Returns the seconds taken, or None when the role may not (superuser or pg_checkpoint).
        """
        from django.db import connection
        from django.db.utils import DatabaseError

        started = time.perf_counter()
        try:
            with self.activate(), connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        except DatabaseError:
            return None
        return time.perf_counter() - started
