from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.ledger import verify_chain


class Command(BaseCommand):
    help = "Walk the audit ledger's hash chain; exit 1 at the first broken link, 0 with the count verified."

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                _("Ledger broken at event #%(id)s: %(problem)s (%(count)s events verified before it).")
                % {"id": result.broken_at, "problem": result.problem, "count": result.verified},
                returncode=1,
            )
        self.stdout.write(_("Ledger intact: %(count)s events verified.") % {"count": result.verified})
