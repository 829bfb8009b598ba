"""Restore an archive written by `manage.py backup` into the configured database and MEDIA_ROOT.

    manage.py restore ARCHIVE            # into an empty database
    manage.py restore ARCHIVE --force    # replacing what the database and MEDIA_ROOT hold

Stop the web, worker and beat processes first. On PostgreSQL connect as the role that owns the tables (the owner role
of docs/security.md, not the application role), then grant the application role its rights again
(scripts/ledger_app_role.sql), and run `manage.py migrate` when this release is newer than the backup.

Every member's SHA-256 is checked against the manifest before anything changes: an altered or damaged archive, a
file that is not a Juece backup, a non-empty database (without --force) are refused with exit 1 and nothing restored.
After restoring, the ledger is verified (against the archived seals) and every document's file against the SHA-256
recorded at upload: exit 1 when either does not verify, 0 otherwise.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Check a backup archive's hashes, restore its database and uploaded files, then verify the ledger and every "
        "document. Refuses a tampered archive and a non-empty database (unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the tar.gz written by manage.py backup")
        parser.add_argument(
            "--force", action="store_true", help="replace the contents of a non-empty database and MEDIA_ROOT"
        )

    def handle(self, *args, **options):
        try:
            report = restore_backup(options["archive"], force=options["force"], say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from None
        for line in report.lines:
            self.stdout.write(line)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(_("Restored, but the ledger or the documents did not verify (see above)."), returncode=1)
        self.stdout.write(self.style.SUCCESS(_("Restore complete and verified.")))
