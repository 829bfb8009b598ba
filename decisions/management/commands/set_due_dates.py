"""`manage.py set_due_dates`: compute again the due date of every step still waited on (e.g. once, for the steps
opened before due dates were kept; the holiday calendar and the services keep them afterwards). A date that moves is
recorded with `step.due_moved`; a first date is simply set; nothing changes where the rule gives the same date."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from decisions.services.deadlines import recompute_due_dates, steps_waited_on


class Command(BaseCommand):
    help = "Compute the due date of every step still waited on, by its rule and its organ's procedure profile."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = recompute_due_dates(
                steps_waited_on(), actor=None, reason=_("due dates computed again by their rules")
            )
        self.stdout.write(_("%(count)s due dates set or moved.") % {"count": len(changed)})
