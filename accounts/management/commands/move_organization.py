"""Move an organization under another parent, as the security administrator: its members' unit roles then reach
other decisions, so the command first lists what changes and moves only when run again with --confirm.

    manage.py move_organization CODE NEW_PARENT_CODE --by SECURITY_ADMIN_USERNAME [--confirm]

Recorded in the audit ledger with the list of decisions whose scope changed. On any refusal nothing changes.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.errors import Refusal
from accounts.models import Organization
from accounts.services import move_effects, move_organization

from .assign_role import _user


def _organization(code: str) -> Organization:
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        raise CommandError(_("No organization with the code %(code)s.") % {"code": code}, returncode=1)
    return organization


class Command(BaseCommand):
    help = "Move the organization CODE under NEW_PARENT_CODE, as the security administrator named by --by."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("new_parent_code")
        parser.add_argument("--by", dest="actor", required=True, help="username of the security administrator")
        parser.add_argument("--confirm", action="store_true", help="move, having read the changes of scope listed")

    def handle(self, *args, code: str, new_parent_code: str, actor: str, confirm: bool, **options):
        organization, new_parent = _organization(code), _organization(new_parent_code)
        acting = _user(actor)
        effects = move_effects(organization, new_parent)
        if not confirm:
            self.stdout.write(
                _("Moving %(org)s under %(parent)s changes the scope of:")
                % {"org": organization.name, "parent": new_parent.name}
            )
            for line in effects or [_("(no decision)")]:
                self.stdout.write(f"  {line}")
            raise CommandError(_("Nothing moved yet: run again with --confirm to move."), returncode=1)
        try:
            move_organization(organization=organization, new_parent=new_parent, actor=acting, confirmed=effects)
        except Refusal as refusal:
            raise CommandError(str(refusal.message), returncode=1) from None
        self.stdout.write(_("%(org)s moved (recorded in the audit ledger).") % {"org": organization.name})
