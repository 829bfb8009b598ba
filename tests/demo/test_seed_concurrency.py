"""Two `manage.py seed_demo` runs at once build the demo city once: the second waits for the first (`build_lock`),
then finds the city complete and adds nothing. Real processes against a real database: a SQLite file, and the
PostgreSQL test database.

To make the race certain rather than likely, the test itself holds the build lock while both runs start, lets go
only once each has said it is waiting, and then both compete for it."""

import fcntl
import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from accountability.ledger import verify_chain
from decisions.models import Decision
from demo.city import build_lock, build_lock_file
from demo.management.commands.seed_demo import WAITING_MESSAGE

DECISIONS = 33 + 5  # the scenario's decisions, and the district's created by publishing its 2026 catalog
MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The production settings on `database_url`, everything else under tmp_path, and no Redis at all."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT", "LEDGER_SEAL_DIR"}
    }
    return environment | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "JUECE_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LEDGER_SEAL_DIR": str(tmp_path / "seals"),
        "SECRET_KEY": "juece-test-suite-only-key-not-for-any-deployment",
        "PYTHONUNBUFFERED": "1",  # the waiting line reaches the test at once
    }


def _manage(environment: dict[str, str], *arguments: str, **options) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - this interpreter, this project's manage.py
        [sys.executable, str(MANAGE), *arguments],
        cwd=MANAGE.parent,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def _two_seeds_at_once(environment: dict[str, str], hold_the_lock) -> list[str]:
    """Start two runs while the lock is held; once both wait, let go; both must succeed. Their outputs."""
    with translation.override(settings.LANGUAGE_CODE):
        waiting = str(WAITING_MESSAGE)
    runs = []
    try:
        with hold_the_lock():
            runs = [_manage(environment, "seed_demo", "--quiet") for _ in range(2)]
            for run in runs:
                first = run.stdout.readline().strip()  # blocks until the run says it waits (or ends)
                if first != waiting:
                    out, err = run.communicate(timeout=60)
                    pytest.fail(f"seed_demo did not wait for the lock: {first!r}\n{out}\n{err[-3000:]}")
        outputs = []
        for run in runs:
            out, err = run.communicate(timeout=180)
            assert run.returncode == 0, err[-3000:]
            outputs.append(out)
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
    return outputs


def _check_one_built(outputs: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        already = translation.gettext("The demo data was already there; nothing was added.")
    assert sum(already in out for out in outputs) == 1, outputs  # the other one built it


def test_two_seed_demo_runs_at_once_on_a_sqlite_file(tmp_path):
    database = tmp_path / "demo.sqlite3"
    environment = _environment(tmp_path, f"sqlite:///{database}")
    migrate = _manage(environment, "migrate", "--no-input", "-v", "0")
    _out, err = migrate.communicate(timeout=180)
    assert migrate.returncode == 0, err[-3000:]

    @contextmanager
    def hold_the_lock():
        with open(build_lock_file(database), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield  # closing the file lets go

    _check_one_built(_two_seeds_at_once(environment, hold_the_lock))
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM decisions_decision").fetchone()[0] == DECISIONS
        titles = db.execute("SELECT COUNT(DISTINCT title) FROM decisions_decision").fetchone()[0]
        assert titles == DECISIONS
    verify = _manage(environment, "verify_ledger", "--no-seals")
    out, err = verify.communicate(timeout=120)
    assert verify.returncode == 0, out + err


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)  # the runs write the test database itself, committed
def test_two_seed_demo_runs_at_once_on_postgresql(tmp_path):
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = quote(database["HOST"] or "localhost", safe="")
    url = f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"

    _check_one_built(_two_seeds_at_once(_environment(tmp_path, url), build_lock))  # the lock on our own session
    assert Decision.objects.count() == DECISIONS
    assert Decision.objects.values("title").distinct().count() == DECISIONS
    result = verify_chain()
    assert result.ok and result.verified > DECISIONS
