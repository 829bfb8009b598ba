"""Verify the audit ledger: its hash chain, and that it is still the chain that was sealed outside the database.

    manage.py verify_ledger                 # chain + the seals in settings.LEDGER_SEAL_DIR/ledger-seals.jsonl
    manage.py verify_ledger --seals PATH    # chain + the seals in PATH (a seal file, or a folder holding one)
    manage.py verify_ledger --no-seals      # chain only

Every seal line's HMAC is checked with LEDGER_SEAL_KEY (lines of the first format, without one, are reported as
unauthenticated). With LEDGER_SEALS_REQUIRED (on when DEBUG is off) seals are expected: the command also fails when
events are older than two seal intervals and no seal covers them (no seal file, or sealing stopped), or when the
newest seal of LEDGER_SEAL_DIR is that old. It always reports the newest seal and its age.

Exit 1 on the first problem, naming the event or the seal line; exit 0 with the number of events verified and seals
matched.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountability.ledger import verify_chain
from accountability.models import LedgerEvent
from accountability.seals import (
    SEAL_FILE_NAME,
    Authenticity,
    SealFileError,
    check_seals,
    default_seal_file,
    newest_seal_status,
    read_numbered_seals,
    seal_due_after,
)


class Command(BaseCommand):
    help = (
        "Walk the audit ledger's hash chain and compare it with the authenticated seals kept outside the database; "
        "exit 1 at the first problem (or when seals are required and missing), 0 with the count verified."
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

    def _seal_path(self, options) -> tuple[Path, bool]:
        explicit = options["seals"] is not None
        path = Path(options["seals"]) if explicit else default_seal_file()
        if path.is_dir():
            path = path / SEAL_FILE_NAME
        return path, explicit

    def _seals(self, path: Path, explicit: bool) -> list[tuple[int, dict]] | None:
        """The numbered seals to compare with (None when there is no seal file to read)."""
        if not path.exists():
            if explicit:
                raise CommandError(_("No seal file at %(path)s.") % {"path": path}, returncode=1)
            return None
        try:
            return read_numbered_seals(path)
        except (OSError, SealFileError) as error:
            raise CommandError(str(error), returncode=1) from None

    def handle(self, *args, **options):
        path, explicit = self._seal_path(options)
        newest = newest_seal_status(path)
        self._notes: list[str] = []
        try:
            verdict = self._verify(options, path, explicit, newest)
        except CommandError:
            for line in (self._newest_line(newest, path), *self._notes):  # reported whatever the outcome
                self.stdout.write(line)
            raise
        for line in (verdict, self._newest_line(newest, path), *self._notes):
            self.stdout.write(line)

    def _verify(self, options, path: Path, explicit: bool, newest) -> str:
        """The verdict line; raises CommandError (exit 1) at the first problem."""
        if options["no_seals"]:
            result = verify_chain()
            self._fail_on(result, path)
            return _("Ledger intact: %(events)s events verified; seals not checked (--no-seals).") % {
                "events": result.verified
            }
        numbered = self._seals(path, explicit)
        seals = None if numbered is None else [seal for _number, seal in numbered]
        if numbered is not None:
            self._authenticate(numbered, path)
        result = verify_chain(seals=seals)
        self._fail_on(result, path)
        self._check_coverage(seals, newest, path, explicit)
        if seals is None:
            return _("Ledger intact: %(events)s events verified; no seals were checked (no seal file at %(path)s).") % {
                "events": result.verified,
                "path": path,
            }
        return ngettext(
            "Ledger intact: %(events)s events verified; %(seals)s seal matched.",
            "Ledger intact: %(events)s events verified; %(seals)s seals matched.",
            result.seals_matched,
        ) % {"events": result.verified, "seals": result.seals_matched}

    # ---------------------------------------------------------------- the parts

    def _newest_line(self, newest, path: Path) -> str:
        if newest is None:
            return _("Newest seal: none yet (%(path)s).") % {"path": path}
        if newest.sealed_at is None:
            return _("Newest seal: unreadable (%(problem)s).") % {"problem": newest.problem}
        if newest.chain_verified is None:
            state = _("whether the chain verified was not recorded then")
        elif newest.chain_verified:
            state = _("the chain verified then")
        else:
            state = _("the chain did NOT verify then: %(problem)s") % {"problem": newest.problem}
        if newest.last_event_id is None:
            head = _("of the empty ledger")
        else:
            head = _("at event #%(id)s") % {"id": newest.last_event_id}
        return _("Newest seal: %(sealed_at)s, %(age)s ago, %(authenticity)s, %(head)s; %(state)s.") % {
            "sealed_at": timezone.localtime(newest.sealed_at).isoformat(timespec="seconds"),
            "age": _since(newest.sealed_at, timezone.now()),
            "authenticity": _authenticity_label(newest.authenticity),
            "head": head,
            "state": state,
        }

    def _authenticate(self, numbered, path: Path) -> None:
        key = settings.LEDGER_SEAL_KEY
        checked = check_seals(numbered, key)
        if not checked.ok:
            raise CommandError(
                _("Seal file %(path)s is not authentic: %(problem)s.") % {"path": path, "problem": checked.problem},
                returncode=1,
            )
        if checked.unchecked and settings.LEDGER_SEALS_REQUIRED:
            raise CommandError(
                _("Cannot authenticate the seals in %(path)s: LEDGER_SEAL_KEY is not set.") % {"path": path},
                returncode=1,
            )
        if checked.unauthenticated:
            self._notes.append(
                ngettext(
                    "%(count)s seal is unauthenticated (written before seals carried an HMAC).",
                    "%(count)s seals are unauthenticated (written before seals carried an HMAC).",
                    checked.unauthenticated,
                )
                % {"count": checked.unauthenticated}
            )
        if checked.unchecked:
            self._notes.append(
                _("%(count)s seals were not authenticated: LEDGER_SEAL_KEY is not set.") % {"count": checked.unchecked}
            )

    def _fail_on(self, result, path: Path) -> None:
        if result.ok:
            return
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

    def _check_coverage(self, seals, newest, path: Path, explicit: bool) -> None:
        """Events no seal covers yet; with seals required, fail when they (or the newest seal) are overdue."""
        now = timezone.now()
        due = seal_due_after()
        sealed_up_to = max(
            (int(seal["last_event_id"]) for seal in seals or () if seal.get("last_event_id") is not None), default=0
        )
        unsealed = LedgerEvent.objects.filter(id__gt=sealed_up_to)
        oldest = unsealed.order_by("id").values_list("occurred_at", flat=True).first()
        if oldest is not None:
            count = unsealed.count()
            self._notes.append(
                ngettext(
                    "%(count)s event is not sealed yet, from %(age)s ago.",
                    "%(count)s events are not sealed yet, the oldest from %(age)s ago.",
                    count,
                )
                % {"count": count, "age": _since(oldest, now)}
            )
        if not settings.LEDGER_SEALS_REQUIRED:
            return
        minutes = settings.LEDGER_SEAL_INTERVAL_MINUTES
        if oldest is not None and now - oldest > due:
            if seals is None:
                problem = _("there is no seal file at %(path)s, but the ledger has events from %(age)s ago")
            else:
                problem = _("events from %(age)s ago are not covered by any seal in %(path)s")
            raise CommandError(
                _(
                    "Seals are required (LEDGER_SEALS_REQUIRED) and missing: %(problem)s. Seals are taken every "
                    "%(minutes)s minutes by Celery beat (is it running?); `manage.py seal_ledger` seals now."
                )
                % {"problem": problem % {"path": path, "age": _since(oldest, now)}, "minutes": minutes},
                returncode=1,
            )
        if not explicit and newest is not None and newest.sealed_at is not None and now - newest.sealed_at > due:
            raise CommandError(
                _(
                    "Seals are required (LEDGER_SEALS_REQUIRED) and missing: the newest seal in %(path)s is "
                    "%(age)s old, but seals are taken every %(minutes)s minutes (is Celery beat running, or were "
                    "the newest seals removed?)."
                )
                % {"path": path, "age": _since(newest.sealed_at, now), "minutes": minutes},
                returncode=1,
            )


def _since(moment, now) -> str:
    return timesince(moment, now).replace("\xa0", " ")  # a terminal, not a page: plain spaces


def _authenticity_label(value: Authenticity) -> str:
    return {
        Authenticity.AUTHENTICATED: _("authenticated"),
        Authenticity.UNAUTHENTICATED: _("unauthenticated (no HMAC)"),
        Authenticity.INVALID: _("its HMAC does NOT verify"),
        Authenticity.UNCHECKED: _("not authenticated here (no LEDGER_SEAL_KEY)"),
    }[value]
