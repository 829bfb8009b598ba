"""Give a user a role, as a security administrator: the one way to assign roles outside the staff workspace.

    manage.py assign_role USERNAME ROLE --by SECURITY_ADMIN_USERNAME

The assignment goes through `accounts.services.assign_role`: the actor must hold the security administrator's role,
may not give themselves a role, may only serve users of their own decision organ, and no one holds two of the three
administrator roles. It is recorded in the audit ledger under the actor's name. On any refusal nothing changes.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.errors import Refusal
from accounts.models import User
from accounts.roles import Role
from accounts.services import assign_role


def _user(username: str) -> User:
    user = User.objects.select_related("organization").filter(username=username).first()
    if user is None:
        raise CommandError(_("No user named %(username)s.") % {"username": username}, returncode=1)
    return user


class Command(BaseCommand):
    help = "Give USERNAME the role ROLE, as the security administrator named by --by (checked and recorded)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user who receives the role")
        parser.add_argument("role", help="one of: " + ", ".join(Role.values))
        parser.add_argument(
            "--by", dest="actor", required=True, help="username of the security administrator giving the role"
        )

    def handle(self, *args, username: str, role: str, actor: str, **options):
        if role not in Role.values:
            raise CommandError(
                _("Unknown role %(role)s; roles are: %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)},
                returncode=1,
            )
        role = Role(role)
        user = _user(username)
        acting = _user(actor)
        if not acting.is_active:
            raise CommandError(_("User %(username)s is not active.") % {"username": actor}, returncode=1)
        already = role.value in user.role_names
        try:
            assign_role(user=user, role=role, actor=acting)
        except Refusal as refusal:
            raise CommandError(str(refusal.message), returncode=1) from None
        if already:
            self.stdout.write(
                _("%(user)s already holds the role %(role)s; nothing changed.") % {"user": username, "role": role.label}
            )
        else:
            self.stdout.write(
                _("%(user)s now holds the role %(role)s (recorded in the audit ledger).")
                % {"user": username, "role": role.label}
            )
