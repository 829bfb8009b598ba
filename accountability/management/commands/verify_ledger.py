"""Verify the audit ledger: its hash chain, and that it is still the chain that was sealed outside the database.

    manage.py verify_ledger                 # chain + the seals in settings.LEDGER_SEAL_DIR/ledger-seals.jsonl
    manage.py verify_ledger --seals PATH    # chain + the seals in PATH (a seal file, or a folder holding one)
    manage.py verify_ledger --no-seals      # chain only

Exit 1 on the first problem, naming the event; exit 0 with the number of events verified and seals matched.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountability.ledger import verify_chain
from accountability.services import SEAL_FILE_NAME, SealFileError, default_seal_file, read_seals


class Command(BaseCommand):
    help = (
        "Walk the audit ledger's hash chain and compare it with the seals kept outside the database; "
        "exit 1 at the first problem, 0 with the count verified."
    )

    def add_arguments(self, parser):
        seals = parser.add_mutually_exclusive_group()
        seals.add_argument(
            "--seals",
            metavar="PATH",
            help=f"seal file to compare with (default: LEDGER_SEAL_DIR/{SEAL_FILE_NAME}); a folder means its "
            f"{SEAL_FILE_NAME}",
        )
        seals.add_argument("--no-seals", action="store_true", help="check the hash chain only")

    def _seals(self, options) -> tuple[list[dict] | None, Path | None]:
        """The seals to compare with, and the file they came from (None, path when there is none to read)."""
        if options["no_seals"]:
            return None, None
        explicit = options["seals"] is not None
        path = Path(options["seals"]) if explicit else default_seal_file()
        if path.is_dir():
            path = path / SEAL_FILE_NAME
        if not path.exists():
            if explicit:
                raise CommandError(_("No seal file at %(path)s.") % {"path": path}, returncode=1)
            return None, path
        try:
            return read_seals(path), path
        except (OSError, SealFileError) as error:
            raise CommandError(str(error), returncode=1) from None

    def handle(self, *args, **options):
        seals, path = self._seals(options)
        result = verify_chain(seals=seals)
        if not result.ok:
            if result.seal_problem:
                message = _("Ledger does not match its seals in %(path)s: %(problem)s (%(count)s events verified).") % {
                    "path": path,
                    "problem": result.problem,
                    "count": result.verified,
                }
            else:
                message = _("Ledger broken at event #%(id)s: %(problem)s (%(count)s events verified before it).") % {
                    "id": result.broken_at,
                    "problem": result.problem,
                    "count": result.verified,
                }
            raise CommandError(message, returncode=1)
        if seals is not None:
            self.stdout.write(
                ngettext(
                    "Ledger intact: %(events)s events verified; %(seals)s seal matched.",
                    "Ledger intact: %(events)s events verified; %(seals)s seals matched.",
                    result.seals_matched,
                )
                % {"events": result.verified, "seals": result.seals_matched}
            )
        elif options["no_seals"]:
            self.stdout.write(
                _("Ledger intact: %(events)s events verified; seals not checked (--no-seals).")
                % {"events": result.verified}
            )
        else:
            self.stdout.write(
                _("Ledger intact: %(events)s events verified; no seals were checked (no seal file at %(path)s).")
                % {"events": result.verified, "path": path}
            )
