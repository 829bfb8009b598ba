"""`manage.py backup` and `manage.py restore`: a real round trip on SQLite and on PostgreSQL (a database of the test's
own, created and dropped here), and archives that are altered, damaged or not archives at all, refused before
anything changes.

The restores run as a separate process against the fresh database, as an operator would run them; what was restored
is then checked on its own: `verify_ledger` walks the restored chain, and every document's file is hashed and
compared with the SHA-256 its row recorded at upload.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accountability.backup import MANIFEST
from accountability.models import LedgerEvent
from accountability.services import seal_ledger_head
from decisions import services
from decisions.models import Document
from demo.walkthrough import pdf_file
from tests.factories import make_decision, make_world

ROOT = Path(__file__).resolve().parents[2]
SEED = """
from accountability.services import seal_ledger_head
from decisions import services
from demo.walkthrough import pdf_file
from tests.factories import make_decision, make_world

world = make_world()
for number in range(3):
    decision = make_decision(world, title=f"备份测试决定{number}")
    services.add_document(
        decision=decision, actor=world.drafter, uploaded_file=pdf_file(f"d{number}.pdf", f"text {number}"),
        kind="draft", title="草案",
    )
seal_ledger_head()
"""
CLEARED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "LEDGER_SEAL_KEY",
    "MEDIA_ROOT",
    "LEDGER_SEAL_DIR",
    "JUECE_VAR_DIR",
}


def _environment(folder: Path, database_url: str, **extra) -> dict:
    """A production-like environment (DEBUG off) for a manage.py process of its own: its database, media, seals."""
    environment = {key: value for key, value in os.environ.items() if key not in CLEARED}
    environment.update(
        DEBUG="0",
        SECRET_KEY="juece-backup-tests-only-key-not-for-any-deployment",
        LEDGER_SEAL_KEY=settings.LEDGER_SEAL_KEY,  # the suite's key: the archived seals verify with it
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(folder / "media"),
        LEDGER_SEAL_DIR=str(folder / "seals"),
        JUECE_VAR_DIR=str(folder / "var"),
        **extra,
    )
    return environment


def _manage(environment: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and commands
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_documents_match(rows, media_root: Path) -> None:
    """Every (file, sha256) row: its file is under media_root and hashes to what the row recorded."""
    assert rows
    for name, recorded in rows:
        assert _sha256(media_root / name) == recorded, name


# --------------------------------------------------------------------------------------------------- SQLite


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory):
    """A SQLite installation of its own (3 decisions, 3 documents, a seal), and the archive `backup` wrote of it."""
    folder = tmp_path_factory.mktemp("sqlite-source")
    environment = _environment(folder, f"sqlite:///{folder / 'db.sqlite3'}")
    for args in (("migrate", "--no-input", "-v0"), ("shell", "-c", SEED)):
        result = _manage(environment, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    archive = folder / "backup.tar.gz"
    result = _manage(environment, "backup", "--output", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(folder / "db.sqlite3") as database:
        head = database.execute("SELECT count(*), max(id) FROM accountability_ledgerevent").fetchone()
        head_hash = database.execute("SELECT hash FROM accountability_ledgerevent ORDER BY id DESC LIMIT 1").fetchone()
    return {"archive": archive, "events": head[0], "head_hash": head_hash[0], "folder": folder}


def test_sqlite_backup_round_trip_restores_a_verified_ledger_and_every_document(sqlite_backup, tmp_path):
    archive = sqlite_backup["archive"]
    with tarfile.open(archive, "r:gz") as opened:
        names = opened.getnames()
        manifest = json.loads(opened.extractfile(MANIFEST).read())
        ledger = json.loads(opened.extractfile("ledger.json").read())
    assert names[-1] == MANIFEST and "database/juece.sqlite3" in names and "seals/ledger-seals.jsonl" in names
    assert set(manifest["members"]) == set(names) - {MANIFEST}
    assert len(manifest["documents"]) == 3 and all(d["present"] and d["matches"] for d in manifest["documents"])
    assert ledger["ok"] is True and ledger["events_verified"] == sqlite_backup["events"]
    assert ledger["seals_matched"] == ledger["seals_authenticated"] == 1

    target = tmp_path / "restored"
    environment = _environment(target, f"sqlite:///{target / 'db.sqlite3'}")
    target.mkdir()
    restored = _manage(environment, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr

    verified = _manage(environment, "verify_ledger")  # the restored chain, against the restored seal file
    assert verified.returncode == 0, verified.stdout + verified.stderr
    with sqlite3.connect(target / "db.sqlite3") as database:
        count, head_hash = database.execute(
            "SELECT count(*), (SELECT hash FROM accountability_ledgerevent ORDER BY id DESC LIMIT 1) "
            "FROM accountability_ledgerevent"
        ).fetchone()
        rows = database.execute("SELECT file, sha256 FROM decisions_document ORDER BY id").fetchall()
    assert (count, head_hash) == (sqlite_backup["events"], sqlite_backup["head_hash"])
    assert len(rows) == 3
    _assert_documents_match(rows, target / "media")

    again = _manage(environment, "restore", str(archive))  # the database is not empty now
    assert again.returncode == 1 and "--force" in again.stderr
    forced = _manage(environment, "restore", str(archive), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr


# ----------------------------------------------------------------------------------- refusals (nothing changes)


def _rewrite(source: Path, target: Path, change=lambda name, data: data, extra: dict | None = None) -> Path:
    """A copy of the archive `source` whose members pass through `change(name, data)` (None drops the member), with
    the members of `extra` added."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as copy:
        members = [(member.name, original.extractfile(member).read()) for member in original.getmembers()]
        for name, data in [*members, *(extra or {}).items()]:
            data = change(name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return target


def _documents_in(archive: Path) -> list[str]:
    with tarfile.open(archive, "r:gz") as opened:
        return [name for name in opened.getnames() if name.startswith("media/documents/")]


def _tamper_a_document(name, data):
    return data.replace(b"text", b"TEXT") if name.startswith("media/documents/") else data


def _tamper_the_database_dump(name, data):
    return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("database/") else data


def _edit_the_manifest(name, data):
    if name != MANIFEST:
        return data
    manifest = json.loads(data)
    manifest["format"] = "something-else"
    return json.dumps(manifest).encode()


def _drop_a_document(source: Path, target: Path) -> Path:
    victim = _documents_in(source)[0]
    return _rewrite(source, target, lambda name, data: None if name == victim else data)


def _plant_a_file(source: Path, target: Path) -> Path:
    return _rewrite(source, target, extra={"media/documents/planted.pdf": b"%PDF-1.4 planted\n%%EOF\n"})


def _replace_and_rehash_a_document(source: Path, target: Path) -> Path:
    """A document's file replaced and its member's hash in the manifest updated to match: the SHA-256 its row
    recorded at upload (listed in the manifest too) still gives it away."""
    victim = _documents_in(source)[0]
    forged = b"%PDF-1.4 forged\n%%EOF\n"

    def change(name, data):
        if name == victim:
            return forged
        if name == MANIFEST:
            manifest = json.loads(data)
            manifest["members"][victim] = {"sha256": hashlib.sha256(forged).hexdigest(), "size": len(forged)}
            return json.dumps(manifest).encode()
        return data

    return _rewrite(source, target, change)


TAMPERINGS = {
    "a document's bytes changed": lambda source, target: _rewrite(source, target, _tamper_a_document),
    "the database dump changed": lambda source, target: _rewrite(source, target, _tamper_the_database_dump),
    "a document removed": _drop_a_document,
    "a file planted": _plant_a_file,
    "a document replaced and re-hashed in the manifest": _replace_and_rehash_a_document,
}


@pytest.mark.usefixtures("english")
@pytest.mark.django_db
@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_a_tampered_archive_is_refused_before_anything_changes(sqlite_backup, tmp_path, settings, tampering):
    world = make_world()
    make_decision(world)
    events = LedgerEvent.objects.count()
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = TAMPERINGS[tampering](sqlite_backup["archive"], tmp_path / "tampered.tar.gz")

    with pytest.raises(CommandError, match="was altered or is damaged") as refused:
        call_command("restore", str(archive))
    assert refused.value.returncode == 1
    assert "Nothing was restored" in str(refused.value)
    assert LedgerEvent.objects.count() == events  # the database is as it was
    assert not (tmp_path / "media").exists()  # and no file was written


def test_a_tampered_archive_is_refused_by_the_command_line_with_a_non_zero_exit(sqlite_backup, tmp_path):
    archive = _rewrite(sqlite_backup["archive"], tmp_path / "tampered.tar.gz", _tamper_a_document)
    target = tmp_path / "target"
    target.mkdir()
    result = _manage(_environment(target, f"sqlite:///{target / 'db.sqlite3'}"), "restore", str(archive))
    assert result.returncode == 1
    assert "CommandError" in result.stderr and str(archive) in result.stderr
    assert not (target / "db.sqlite3").exists() and not (target / "media").exists()


@pytest.mark.usefixtures("english")
@pytest.mark.django_db
def test_bad_input_is_a_clear_error_and_changes_nothing(sqlite_backup, tmp_path, settings):
    world = make_world()
    make_decision(world)
    events = LedgerEvent.objects.count()
    settings.MEDIA_ROOT = tmp_path / "media"
    not_a_tar = tmp_path / "notes.tar.gz"
    not_a_tar.write_bytes(gzip.compress(b"just some text, not a tar archive"))
    not_gzip = tmp_path / "plain.txt"
    not_gzip.write_text("hello")
    source = sqlite_backup["archive"]
    no_manifest = _rewrite(
        source, tmp_path / "no-manifest.tar.gz", lambda name, data: None if name == MANIFEST else data
    )
    wrong_manifest = _rewrite(source, tmp_path / "wrong-manifest.tar.gz", _edit_the_manifest)
    garbled_manifest = _rewrite(
        source, tmp_path / "garbled.tar.gz", lambda name, data: b"{not json" if name == MANIFEST else data
    )
    cases = {
        tmp_path / "missing.tar.gz": "No backup archive at",
        not_a_tar: "not a readable tar.gz archive",
        not_gzip: "not a readable tar.gz archive",
        no_manifest: "is not a Juece backup",
        wrong_manifest: "is not valid: it is not a Juece backup manifest",
        garbled_manifest: "cannot be read",
    }
    for archive, message in cases.items():
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(archive))
    assert LedgerEvent.objects.count() == events
    assert not (tmp_path / "media").exists()


@pytest.mark.usefixtures("english")
@pytest.mark.django_db
def test_restore_refuses_a_non_empty_database_and_an_archive_of_another_kind(sqlite_backup, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_world()
    expected = "is not empty" if connection.vendor == "sqlite" else "holds a sqlite database"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(sqlite_backup["archive"]))
    assert not (tmp_path / "media").exists()


# ------------------------------------------------------------------------------------------------ PostgreSQL


def _admin_connection(settings_dict):
    import psycopg

    return psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _database_url(settings_dict, name: str) -> str:
    user = settings_dict["USER"] or ""
    if settings_dict["PASSWORD"]:
        user += f":{settings_dict['PASSWORD']}"
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings_dict['PORT'] or 5432}/{name}"


@pytest.fixture
def fresh_postgres_database():
    """An empty PostgreSQL database of this test's own (a unique name), dropped afterwards."""
    settings_dict = connection.settings_dict
    name = f"juece_restore_{uuid.uuid4().hex[:12]}"
    with _admin_connection(settings_dict) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, _database_url(settings_dict, name)
    finally:
        with _admin_connection(settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_a_fresh_database_with_a_verified_ledger_and_documents(
    tmp_path, fresh_postgres_database
):
    import psycopg

    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.fail("pg_dump / pg_restore are missing: apt-get install postgresql-client")
    world = make_world()
    for number in range(3):
        decision = make_decision(world, title=f"备份测试决定{number}")
        services.add_document(
            decision=decision,
            actor=world.drafter,
            uploaded_file=pdf_file(f"d{number}.pdf", f"text {number}"),
            kind="draft",
            title="草案",
        )
    seal_ledger_head()
    head = LedgerEvent.objects.order_by("-id").first()
    events = LedgerEvent.objects.count()
    documents = sorted(Document.objects.values_list("file", "sha256"))
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", "--output", str(archive))

    with tarfile.open(archive, "r:gz") as opened:
        manifest = json.loads(opened.extractfile(MANIFEST).read())
    assert manifest["database"] == {"vendor": "postgresql", "member": "database/juece.pgdump"}
    assert manifest["ledger"]["ok"] is True and manifest["ledger"]["head_hash"] == head.hash
    assert sorted((d["member"].removeprefix("media/"), d["sha256"]) for d in manifest["documents"]) == documents

    name, url = fresh_postgres_database
    target = tmp_path / "restored"
    target.mkdir()
    environment = _environment(target, url)
    restored = _manage(environment, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    verified = _manage(environment, "verify_ledger")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as database:
        count, head_hash = database.execute(
            "SELECT count(*), (SELECT hash FROM accountability_ledgerevent ORDER BY id DESC LIMIT 1) "
            "FROM accountability_ledgerevent"
        ).fetchone()
        rows = database.execute("SELECT file, sha256 FROM decisions_document ORDER BY file").fetchall()
        triggers = database.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'accountability_ledgerevent'::regclass "
            "AND NOT tgisinternal"
        ).fetchone()[0]
    assert (count, head_hash) == (events, head.hash)
    assert sorted(rows) == documents
    _assert_documents_match(rows, target / "media")
    assert triggers == 2  # the ledger is append-only in the restored database too

    again = _manage(environment, "restore", str(archive))
    assert again.returncode == 1 and name in again.stderr  # not empty any more: refused without --force
