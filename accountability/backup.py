"""One-archive backups of an installation, and their verified restoration (`manage.py backup`, `manage.py restore`).

An archive is a tar.gz holding:

- `database/juece.pgdump` (PostgreSQL: `pg_dump --format=custom`) or `database/juece.sqlite3` (SQLite: a copy taken
  with SQLite's online backup API);
- `media/…`, every file under MEDIA_ROOT (the uploaded documents);
- `seals/ledger-seals.jsonl`, the ledger's seal file, when there is one;
- `ledger.json`, the verification of the ledger at backup time (the hash chain, compared with the seals);
- `manifest.json`, last: the SHA-256 and size of every other member, and every document of the database with the
  SHA-256 it recorded at upload, whether its file was there and matched.

The database dump, the ledger's verification and the list of documents come from one snapshot (on PostgreSQL an
exported snapshot that pg_dump reads too; on SQLite one transaction holding the write lock), so the manifest
describes exactly the database the archive holds. Media files are copied after it: every document the dump knows has
its file by then (a file is stored before its row commits).

`restore` reads the whole archive and checks every hash of the manifest before it changes anything, refuses a
database that is not empty (unless forced), restores the database then the media files, then verifies the ledger
(against the archived seals) and every document's file against its recorded SHA-256.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .ledger import verify_chain
from .models import LedgerEvent
from .seals import SEAL_FILE_NAME, SealFileError, check_seals, default_seal_file, read_numbered_seals

FORMAT = "juece-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
LEDGER_MEMBER = "ledger.json"
SEALS_MEMBER = f"seals/{SEAL_FILE_NAME}"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"postgresql": "database/juece.pgdump", "sqlite": "database/juece.sqlite3"}
CHUNK = 1024 * 1024
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
PG_TIMEOUT_SECONDS = 6 * 3600


class BackupError(Exception):
    """A backup or a restore refused, with a translated message saying why; nothing was changed."""


# ------------------------------------------------------------------------------------------------------ helpers


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file read through once, hashed on the way (what tarfile.addfile reads is exactly what is hashed)."""

    def __init__(self, handle):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _database() -> tuple[object, str]:
    connection = connections["default"]
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": connection.vendor})
    return connection, connection.vendor


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for pg_dump / pg_restore: the password never appears on a command line."""
    environment = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT")):
        if options.get(option):
            values[variable] = str(options[option])
    for variable, value in values.items():
        if value:
            environment[variable] = str(value)
        else:
            environment.pop(variable, None)
    return environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - fixed PostgreSQL client programs, our own arguments
            command, env=environment, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed (apt-get install postgresql-client).") % {"program": command[0]}
        ) from None
    if result.returncode != 0:
        raise BackupError(
            _("%(what)s failed (exit %(code)s): %(error)s")
            % {"what": what, "code": result.returncode, "error": result.stderr.strip()[-2000:]}
        )


def _ledger_head() -> tuple[int | None, str]:
    head = LedgerEvent.objects.order_by("-id").values_list("id", "hash").first()
    return head if head else (None, "")


def _seals_of(path: Path) -> tuple[list[tuple[int, dict]] | None, str]:
    """The numbered seals of `path` (None when there is no seal file), and why they could not be read."""
    if not path.is_file():
        return None, ""
    try:
        return read_numbered_seals(path), ""
    except (OSError, SealFileError) as error:
        return None, str(error)


def verify_ledger_summary(seal_path: Path | None) -> dict:
    """The ledger's verification as recorded in an archive: the hash chain, compared with the seals of `seal_path`,
    whose HMACs are checked with LEDGER_SEAL_KEY."""
    numbered, unreadable = _seals_of(seal_path) if seal_path is not None else (None, "")
    seals = [seal for _number, seal in numbered] if numbered is not None else None
    authenticity = check_seals(numbered, settings.LEDGER_SEAL_KEY or None) if numbered is not None else None
    result = verify_chain(seals=seals)
    head_id, head_hash = _ledger_head()
    problems = []
    if not result.ok:
        problems.append(result.problem)
    if unreadable:
        problems.append(unreadable)
    if authenticity is not None and not authenticity.ok:
        problems.append(authenticity.problem)
    return {
        "ok": not problems,
        "events_verified": result.verified,
        "broken_at": result.broken_at,
        "head_event_id": head_id,
        "head_hash": head_hash,
        "seals_checked": numbered is not None,
        "seals_matched": result.seals_matched,
        "seals_authenticated": authenticity.authenticated if authenticity is not None else 0,
        "problems": problems,
        "verified_at": timezone.now().isoformat(),
    }


def _documents() -> list[dict]:
    """Every document of the database: its stored file (relative to MEDIA_ROOT) and the SHA-256 recorded at upload.

    Read through the app registry: accountability imports no business app (docs/architecture.md)."""
    document_model = apps.get_model("decisions", "Document")
    return [
        {"id": pk, "file": name, "sha256": sha256}
        for pk, name, sha256 in document_model.objects.order_by("id").values_list("id", "file", "sha256")
    ]


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections["default"]).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


# ------------------------------------------------------------------------------------------------------- backup


@dataclass
class BackupReport:
    path: Path
    vendor: str
    members: int
    media_files: int
    documents: int
    ledger: dict
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"juece-{stamp}.tar.gz"


def _snapshot(connection, vendor: str, dump_path: Path, seal_path: Path | None) -> tuple[dict, list[dict], dict]:
    """Dump the database into `dump_path` and, from the same snapshot, verify the ledger and list the documents."""
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot run inside an open transaction: it would not see what others see."))
    if vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            command = [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump_path}",
            ]
            _run(command, _pg_environment(connection.settings_dict), _("pg_dump"))
            return _described(seal_path)
    # SQLite: one read transaction (a snapshot, in WAL mode) for the copy and what is read of it. Django's own
    # transactions take the write lock (IMMEDIATE, settings), under which SQLite's backup API cannot read; so the
    # read transaction is begun on the driver's connection, which Django leaves in autocommit (no BEGIN of its own).
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN DEFERRED")
    try:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts at the first read
        target = sqlite3.connect(dump_path)
        try:
            raw.backup(target)
        finally:
            target.close()
        return _described(seal_path)
    finally:
        raw.execute("ROLLBACK")


def _described(seal_path: Path | None) -> tuple[dict, list[dict], dict]:
    """The ledger's verification, the documents and the migrations, read in the snapshot being archived."""
    return verify_ledger_summary(seal_path), _documents(), _applied_migrations()


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """(absolute path, archive member name) of every regular file under MEDIA_ROOT, in a stable order."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, MEDIA_PREFIX + path.relative_to(root).as_posix()


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o640, int(timezone.now().timestamp())
    return info


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    size = path.stat().st_size
    with open(path, "rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(_tarinfo(name, size), reader)
    return {"sha256": reader.digest.hexdigest(), "size": reader.size}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> dict:
    archive.addfile(_tarinfo(name, len(data)), io.BytesIO(data))
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def create_backup(output: Path | None = None) -> BackupReport:
    """Write one archive of the database, the media files and the ledger's verification to `output`."""
    connection, vendor = _database()
    output = Path(output) if output else default_backup_path()
    if output.exists():
        raise BackupError(_("%(path)s already exists: choose another --output.") % {"path": output})
    output.parent.mkdir(parents=True, exist_ok=True)
    seal_path = default_seal_file()
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="juece-backup-") as staging:
        dump_path = Path(staging) / "database"
        ledger, documents, migrations = _snapshot(connection, vendor, dump_path, seal_path)
        members: dict[str, dict] = {}
        try:
            with tarfile.open(partial, "w:gz") as archive:
                members[DATABASE_MEMBERS[vendor]] = _add_file(archive, dump_path, DATABASE_MEMBERS[vendor])
                members[LEDGER_MEMBER] = _add_bytes(
                    archive, LEDGER_MEMBER, json.dumps(ledger, indent=2, ensure_ascii=False).encode()
                )
                if seal_path.is_file():
                    members[SEALS_MEMBER] = _add_file(archive, seal_path, SEALS_MEMBER)
                media_root = Path(settings.MEDIA_ROOT)
                for path, name in _media_files(media_root):
                    members[name] = _add_file(archive, path, name)
                problems, listed = _document_entries(documents, members)
                manifest = {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(),
                    "database": {"vendor": vendor, "member": DATABASE_MEMBERS[vendor]},
                    "migrations": migrations,
                    "ledger": {key: ledger[key] for key in ("ok", "events_verified", "head_event_id", "head_hash")},
                    "members": members,
                    "documents": listed,
                }
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    if not ledger["ok"]:
        problems.insert(0, _("the ledger did not verify: %(problems)s") % {"problems": "; ".join(ledger["problems"])})
    return BackupReport(
        path=output,
        vendor=vendor,
        members=len(members) + 1,
        media_files=sum(1 for name in members if name.startswith(MEDIA_PREFIX)),
        documents=len(documents),
        ledger=ledger,
        problems=problems,
    )


def _document_entries(documents: list[dict], members: dict[str, dict]) -> tuple[list[str], list[dict]]:
    """Each document with its file's member and hash in the archive; the problems (missing or differing files)."""
    problems, listed = [], []
    for document in documents:
        member = MEDIA_PREFIX + document["file"]
        archived = members.get(member)
        entry = {
            "id": document["id"],
            "member": member,
            "sha256": document["sha256"],
            "present": archived is not None,
            "matches": archived is not None and archived["sha256"] == document["sha256"],
        }
        if archived is None:
            problems.append(_("document #%(id)s: its file %(file)s is missing") % {"id": entry["id"], "file": member})
        elif not entry["matches"]:
            problems.append(
                _("document #%(id)s: its file %(file)s does not match the SHA-256 recorded at upload")
                % {"id": entry["id"], "file": member}
            )
        listed.append(entry)
    return problems, listed


# ------------------------------------------------------------------------------------------------------ restore


@dataclass
class CheckedArchive:
    """An archive whose every member was hashed and matched its manifest, extracted into `folder`."""

    folder: Path
    manifest: dict

    def path(self, member: str) -> Path:
        return self.folder / PurePosixPath(member)

    @property
    def media_members(self) -> list[str]:
        return sorted(name for name in self.manifest["members"] if name.startswith(MEDIA_PREFIX))


@dataclass
class RestoreReport:
    vendor: str
    media_files: int
    ledger: dict
    documents_checked: int
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name and "\x00" not in name


def _manifest_problem(manifest) -> str:
    """What is wrong with the manifest's shape ('' when nothing)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return _("it is not a Juece backup manifest")
    if manifest.get("version") != FORMAT_VERSION:
        return _("its format version %(version)s is not %(expected)s") % {
            "version": manifest.get("version"),
            "expected": FORMAT_VERSION,
        }
    members, database, documents = manifest.get("members"), manifest.get("database"), manifest.get("documents")
    if not isinstance(members, dict) or not isinstance(documents, list) or not isinstance(database, dict):
        return _("it lacks its members, database or documents")
    for name, entry in members.items():
        if (
            not _safe_member_name(name)
            or name == MANIFEST
            or not isinstance(entry, dict)
            or not SHA256_HEX.match(str(entry.get("sha256", "")))
            or not isinstance(entry.get("size"), int)
        ):
            return _("its entry for %(name)s is not valid") % {"name": name}
    vendor = database.get("vendor")
    if vendor not in DATABASE_MEMBERS or database.get("member") != DATABASE_MEMBERS[vendor]:
        return _("its database entry is not valid")
    if database["member"] not in members:
        return _("it lists no database dump")
    for document in documents:
        if (
            not isinstance(document, dict)
            or not isinstance(document.get("member"), str)
            or not SHA256_HEX.match(str(document.get("sha256", "")))
            or (document.get("present") and document["member"] not in members)
        ):
            return _("its entry for a document is not valid")
    return ""


def check_archive(archive_path: Path, folder: Path) -> CheckedArchive:
    """Read the archive, check every member against the manifest while extracting it into `folder`; raise
    BackupError (nothing outside `folder` changed) when the archive is not a Juece backup or was altered."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(_("No backup archive at %(path)s.") % {"path": archive_path})
    tampered = _("The backup archive %(path)s was altered or is damaged: %(problem)s. Nothing was restored.")
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            names = [member.name for member in members]
            if len(set(names)) != len(names):
                raise BackupError(tampered % {"path": archive_path, "problem": _("a member appears twice")})
            for member in members:
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(
                        tampered
                        % {
                            "path": archive_path,
                            "problem": _("%(name)s is not a plain file") % {"name": member.name},
                        }
                    )
            if MANIFEST not in names:
                raise BackupError(
                    _("%(path)s is not a Juece backup: it has no %(manifest)s.")
                    % {"path": archive_path, "manifest": MANIFEST}
                )
            try:
                manifest = json.loads(archive.extractfile(MANIFEST).read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise BackupError(
                    _("The manifest of %(path)s cannot be read: %(error)s") % {"path": archive_path, "error": error}
                ) from None
            problem = _manifest_problem(manifest)
            if problem:
                message = _("The manifest of %(path)s is not valid: %(problem)s.")
                raise BackupError(message % {"path": archive_path, "problem": problem})
            listed, present = set(manifest["members"]), set(names) - {MANIFEST}
            if listed != present:
                extra, missing = sorted(present - listed), sorted(listed - present)
                detail = _("members not in the manifest: %(extra)s; missing members: %(missing)s") % {
                    "extra": ", ".join(extra) or "-",
                    "missing": ", ".join(missing) or "-",
                }
                raise BackupError(tampered % {"path": archive_path, "problem": detail})
            for member in members:
                if member.name != MANIFEST:
                    _extract_checked(archive, member, folder, manifest["members"][member.name], tampered, archive_path)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            _("%(path)s is not a readable tar.gz archive: %(error)s") % {"path": archive_path, "error": error}
        ) from None
    for document in manifest["documents"]:
        if document.get("present") and document.get("matches"):
            if manifest["members"][document["member"]]["sha256"] != document["sha256"]:
                problem = _("document #%(id)s does not match its recorded SHA-256") % {"id": document.get("id")}
                raise BackupError(tampered % {"path": archive_path, "problem": problem})
    return CheckedArchive(folder=folder, manifest=manifest)


def _extract_checked(archive, member, folder: Path, expected: dict, tampered: str, archive_path: Path) -> None:
    target = folder / PurePosixPath(member.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    source = archive.extractfile(member)
    with open(target, "wb") as handle:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    if digest.hexdigest() != expected["sha256"] or size != expected["size"]:
        problem = _("%(name)s does not match the SHA-256 of its manifest") % {"name": member.name}
        raise BackupError(tampered % {"path": archive_path, "problem": problem})


def _database_is_empty(connection) -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _media_conflicts(checked: CheckedArchive, media_root: Path) -> list[str]:
    conflicts = []
    for name in checked.media_members:
        target = media_root / PurePosixPath(name).relative_to("media")
        if target.exists() and (
            not target.is_file() or _sha256_file(target) != checked.manifest["members"][name]["sha256"]
        ):
            conflicts.append(str(target))
    return conflicts


def _restore_database(connection, vendor: str, dump: Path, force: bool) -> None:
    connection.close()
    if vendor == "postgresql":
        command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        if force:
            command += ["--clean", "--if-exists"]
        command += [f"--dbname={connection.settings_dict['NAME']}", str(dump)]
        _run(command, _pg_environment(connection.settings_dict), _("pg_restore"))
    else:
        source, target = sqlite3.connect(dump), sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    connection.close()


def _restore_media(checked: CheckedArchive, media_root: Path) -> int:
    for name in checked.media_members:
        target = media_root / PurePosixPath(name).relative_to("media")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(checked.path(name), target)
        os.chmod(target, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
    return len(checked.media_members)


def _verify_documents() -> tuple[int, list[str]]:
    """Every document of the (restored) database: its file is there and has the SHA-256 recorded at upload."""
    media_root, problems = Path(settings.MEDIA_ROOT), []
    documents = _documents()
    for document in documents:
        path = media_root / document["file"]
        if not path.is_file():
            problems.append(_("document #%(id)s: its file %(file)s is missing") % {"id": document["id"], "file": path})
        elif _sha256_file(path) != document["sha256"]:
            problems.append(
                _("document #%(id)s: its file %(file)s does not match the SHA-256 recorded at upload")
                % {"id": document["id"], "file": path}
            )
    return len(documents), problems


def _unapplied_migrations(connection) -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def restore_backup(archive_path: Path, *, force: bool = False, say: Callable[[str], None] = lambda line: None):
    """Check the archive whole, then restore it into the configured database and MEDIA_ROOT, then verify."""
    connection, vendor = _database()
    with tempfile.TemporaryDirectory(prefix="juece-restore-") as folder:
        checked = check_archive(Path(archive_path), Path(folder))
        say(
            _("Archive checked: %(count)s members match their SHA-256 in the manifest (written %(created_at)s).")
            % {"count": len(checked.manifest["members"]), "created_at": checked.manifest.get("created_at", "?")}
        )
        archived_vendor = checked.manifest["database"]["vendor"]
        if archived_vendor != vendor:
            raise BackupError(
                _("The archive holds a %(archived)s database; the configured database is %(vendor)s.")
                % {"archived": archived_vendor, "vendor": vendor}
            )
        if not force and not _database_is_empty(connection):
            raise BackupError(
                _(
                    "The database %(name)s is not empty: restore into an empty database, or give --force to replace "
                    "what it holds. Nothing was restored."
                )
                % {"name": connection.settings_dict["NAME"]}
            )
        media_root = Path(settings.MEDIA_ROOT)
        conflicts = _media_conflicts(checked, media_root)
        if conflicts and not force:
            raise BackupError(
                _(
                    "%(count)s files under MEDIA_ROOT differ from the archive's (e.g. %(example)s): give --force to "
                    "replace them. Nothing was restored."
                )
                % {"count": len(conflicts), "example": conflicts[0]}
            )

        _restore_database(connection, vendor, checked.path(checked.manifest["database"]["member"]), force)
        say(_("Database restored into %(name)s.") % {"name": connection.settings_dict["NAME"]})
        media_files = _restore_media(checked, media_root)
        say(_("%(count)s media files restored into %(path)s.") % {"count": media_files, "path": media_root})

        archived_seals = checked.path(SEALS_MEMBER) if SEALS_MEMBER in checked.manifest["members"] else None
        seal_file = default_seal_file()
        if archived_seals is not None and not seal_file.exists():
            seal_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(archived_seals, seal_file)
            say(_("Seal file restored into %(path)s.") % {"path": seal_file})
        elif archived_seals is not None:
            say(
                _("Kept the seal file already at %(path)s; the ledger is checked against the archived seals.")
                % {"path": seal_file}
            )
        ledger = verify_ledger_summary(archived_seals)

    report = RestoreReport(vendor=vendor, media_files=media_files, ledger=ledger, documents_checked=0)
    report.documents_checked, document_problems = _verify_documents()
    if ledger["ok"]:
        report.lines.append(
            _("Ledger intact: %(events)s events verified, %(seals)s seals matched.")
            % {"events": ledger["events_verified"], "seals": ledger["seals_matched"]}
        )
    else:
        report.problems.append(
            _("The restored ledger does not verify: %(problems)s") % {"problems": "; ".join(ledger["problems"])}
        )
    if not document_problems:
        report.lines.append(
            _("Documents intact: %(count)s files match the SHA-256 recorded at upload.")
            % {"count": report.documents_checked}
        )
    report.problems.extend(document_problems)
    unapplied = _unapplied_migrations(connection)
    if unapplied:
        report.lines.append(
            _("%(count)s migrations of this release are not applied to the restored database: run manage.py migrate.")
            % {"count": unapplied}
        )
    return report
