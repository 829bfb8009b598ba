"""Back up the installation into one archive (accountability/backup.py says what it holds).

    manage.py backup                          # var/backups/juece-YYYYmmdd-HHMMSS.tar.gz
    manage.py backup --output /srv/backups/juece.tar.gz

Exit 0 when the archive is written and the ledger and every document verified; exit 1 when the archive could not be
written, or was written but the ledger or a document did not verify (the archive keeps the evidence: ledger.json and
the manifest).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one tar.gz archive of the database (pg_dump or SQLite's backup API), the uploaded files, the ledger's "
        "verification and a manifest of SHA-256 hashes of every member and every document."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", metavar="PATH", help="the archive to write (default: var/backups/juece-<time>.tar.gz)"
        )

    def handle(self, *args, **options):
        try:
            report = create_backup(options["output"])
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from None
        ledger = report.ledger
        self.stdout.write(
            _(
                "Backup written to %(path)s: the %(vendor)s database, %(media)s media files, %(documents)s documents, "
                "%(members)s members hashed in the manifest."
            )
            % {
                "path": report.path,
                "vendor": report.vendor,
                "media": report.media_files,
                "documents": report.documents,
                "members": report.members,
            }
        )
        self.stdout.write(
            _("Ledger at backup time: %(events)s events verified, %(seals)s seals matched, head event %(head)s.")
            % {
                "events": ledger["events_verified"],
                "seals": ledger["seals_matched"],
                "head": ledger["head_event_id"] if ledger["head_event_id"] is not None else "-",
            }
        )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("The archive was written, but the ledger or the documents did not verify (see above)."), returncode=1
            )
