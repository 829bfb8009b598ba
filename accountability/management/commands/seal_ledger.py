"""Seal the audit ledger's head now (Celery beat does it every LEDGER_SEAL_INTERVAL_MINUTES).

    manage.py seal_ledger

Writes the authenticated seal to LEDGER_SEAL_DIR/ledger-seals.jsonl, then sends it to syslog and the audit
administrators when configured. Exit 1 without LEDGER_SEAL_KEY; 0 otherwise, also when the chain did not verify (the
seal records that, and `verify_ledger` reports it).
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.services import default_seal_file, seal_ledger_head


class Command(BaseCommand):
    help = "Seal the audit ledger's chain head now, outside the database, and export the seal."

    def handle(self, *args, **options):
        try:
            seal = seal_ledger_head()
        except ImproperlyConfigured as error:
            raise CommandError(str(error), returncode=1) from None
        values = {"path": default_seal_file(), "sealed_at": seal["sealed_at"]}
        if seal["last_event_id"] is None:
            values["head"] = _("no events yet")
        else:
            values["head"] = _("event #%(id)s") % {"id": seal["last_event_id"]}
        if seal["chain_verified"]:
            self.stdout.write(_("Ledger sealed: %(head)s (%(sealed_at)s) in %(path)s.") % values)
        else:
            self.stderr.write(
                _("Ledger sealed: %(head)s (%(sealed_at)s) in %(path)s, but it does not verify: %(problem)s")
                % (values | {"problem": seal["problem"]})
            )
