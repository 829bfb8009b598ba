from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from notifications.scan import scan_deadlines


class Command(BaseCommand):
    help = _("Create the deadline reminders and overdue notices due now (what the one-minute ticker runs).")

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("scan as if today were this date (YYYY-MM-DD)"))
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(_("Not a date (YYYY-MM-DD): %(value)s") % {"value": options["date"]}) from error
        if not 1 <= options["batch_size"] <= 10_000:
            raise CommandError(_("The batch size must be between 1 and 10,000."))
        result = scan_deadlines(today=today, batch_size=options["batch_size"])
        self.stdout.write(
            _("%(steps)s steps looked at in %(batches)s batches; %(created)s new notices.")
            % {"steps": result.steps, "batches": result.batches, "created": result.created}
        )
