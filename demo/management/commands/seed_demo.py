"""`manage.py seed_demo`: the demo city (demo/city.py, from demo/scenario/city.json). Running it again adds nothing,
and so does a run started while another is building: it waits for that one, then finds the city complete."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from decisions.procedure import State
from demo.city import PASSWORD, DemoCity, summary_lines

WAITING_MESSAGE = gettext_lazy(
    "Another seed_demo is building the demo city on this database: waiting for it to finish."
)


class Command(BaseCommand):
    help = (
        "Create a demo city (示例市人民政府) with its departments, one person per role and about thirty "
        "decisions in every state of the procedure, all through the procedure's services. Running it again "
        "adds nothing; two runs at once build it once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not list each decision as it is created.")

    def handle(self, *args, quiet=False, **options):
        quiet = quiet or options["verbosity"] == 0
        try:
            validate_password(PASSWORD)
        except ValidationError as error:  # pragma: no cover - only if the validators are tightened
            raise CommandError(" ".join(error.messages)) from error

        city = DemoCity()
        result = city.build(
            on_created=None if quiet else self.created,
            on_wait=lambda: self.stdout.write(str(WAITING_MESSAGE)),
        )
        if result.created:
            message = _("Demo data ready: %(created)s decisions created in %(seconds).1f s.") % {
                "created": len(result.created),
                "seconds": result.seconds,
            }
        else:
            message = _("The demo data was already there; nothing was added.")
        self.stdout.write(self.style.SUCCESS(message))
        for line in summary_lines(city, result):
            self.stdout.write(line)

    def created(self, decision) -> None:
        self.stdout.write(
            _("Created %(number)s %(title)s — %(state)s")
            % {"number": decision.number, "title": decision.title, "state": State(decision.status).label}
        )
