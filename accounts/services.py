"""Changes to accounts: role assignment under the three-administrator rule."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accountability.ledger import record_event

from .errors import Refusal
from .models import User
from .permissions import may_assign_role
from .roles import SEPARATED_ADMIN_ROLES, Role


def check_separated_admins(*, current_roles: set[str], adding: set[str]) -> None:
    """三员分立: system, security and audit administrator are held by three different people."""
    admin_roles = (current_roles | adding) & {r.value for r in SEPARATED_ADMIN_ROLES}
    if len(admin_roles) > 1:
        names = "、".join(str(Role(r).label) for r in sorted(admin_roles))
        raise Refusal(
            "accounts.separated_admins",
            _("The three administrators must be different people; one user cannot hold: %(roles)s.") % {"roles": names},
        )


@transaction.atomic
def assign_role(*, user: User, role: Role, actor: User | None, client_address: str = "") -> None:
    """Give `user` the role `role`. Refused without the security administrator's role (unless run by the system
    itself, actor None, e.g. seed_demo), to the actor themselves (two-person rule), to a user of another decision
    organ, or when it would give one person two of the three administrator roles."""
    if actor is not None:
        verdict = may_assign_role(actor, user)
        if not verdict:
            raise Refusal.from_verdict(verdict)
    current = set(user.groups.values_list("name", flat=True))
    if role.value in current:
        return
    check_separated_admins(current_roles=current, adding={role.value})
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    user.__dict__.pop("role_names", None)
    record_event(
        actor=actor,
        action="accounts.role_assigned",
        obj=user,
        before={"roles": sorted(current)},
        after={"roles": sorted(current | {role.value})},
        client_address=client_address,
    )


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def create_user(
    *,
    username: str,
    organization,
    roles=(),
    display_name: str = "",
    title: str = "",
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """A member of an organization with their roles (each assignment checked and recorded by `assign_role`)."""
    user = User.objects.create_user(
        username=username,
        password=password,
        organization=organization,
        display_name=display_name or username,
        title=title,
    )
    for role in roles:
        assign_role(user=user, role=role, actor=actor)
    return User.objects.get(pk=user.pk)  # fresh: no role names cached from before the assignments
