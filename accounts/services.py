"""Changes to accounts, each recorded in the ledger: users, organizations and their place in the tree, passwords,
and role assignment under the three-administrator rule (三员分立)."""

import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accountability.ledger import record_event

from .errors import Refusal
from .models import Organization, User
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
    """A member of an organization with their roles (each assignment checked and recorded by `assign_role`). A person
    creating users is the system administrator, and gives no roles (the security administrator does)."""
    if actor is not None:
        _ensure_role(actor, Role.SYSTEM_ADMIN)
        if roles:
            raise Refusal("accounts.roles_by_security_admin", _("Roles are given by the security administrator."))
    user = User.objects.create_user(
        username=username,
        password=password,
        organization=organization,
        display_name=display_name or username,
        title=title,
    )
    record_event(
        actor=actor,
        action="accounts.user_created",
        obj=user,
        after={"organization": organization.pk if organization else None, "must_change": user.must_change_password},
    )
    for role in roles:
        assign_role(user=user, role=role, actor=actor)
    return User.objects.get(pk=user.pk)  # fresh: no role names cached from before the assignments


# ---------------------------------------------------------------- the system administrator's acts, each in the ledger

USER_FIELDS = ("display_name", "title", "email", "first_name", "last_name", "is_active")
ORGANIZATION_FIELDS = ("name", "short_name", "code", "kind")


def _ensure_role(actor: User | None, role: Role) -> None:
    """None is the system itself (seed_demo, migrations); a person needs the role."""
    if actor is None:
        return
    if not actor.is_authenticated or not actor.is_active or role.value not in actor.role_names:
        raise Refusal(
            "permission.role",
            _("This is an act of the %(role)s (三员分立); your role does not allow it.") % {"role": Role(role).label},
        )


def _ledger_value(value):
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def update_user(*, user: User, actor: User | None, **fields) -> User:
    """The system administrator edits a member's details or disables the account (a disabled account's sessions end
    at once: authentication refuses inactive users on every request). Never the password (`issue_one_time_password`),
    the roles (the security administrator) or the organization (a move, recorded separately)."""
    _ensure_role(actor, Role.SYSTEM_ADMIN)
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"unknown user fields: {sorted(unknown)}")
    if actor is not None and actor.pk == user.pk and fields.get("is_active") is False:
        raise Refusal("accounts.self_disable", _("You cannot disable your own account."))
    before = {name: getattr(user, name) for name in fields if getattr(user, name) != fields[name]}
    if not before:
        return user
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    action = "accounts.user_disabled" if before.get("is_active") is True else "accounts.user_updated"
    record_event(actor=actor, action=action, obj=user, before=before, after={name: fields[name] for name in before})
    return user


@transaction.atomic
def issue_one_time_password(*, user: User, actor: User | None) -> str:
    """The system administrator never sets another person's password: they issue a one-time password, shown to
    them once, which the user must replace at first login. Recorded (the password itself is not)."""
    _ensure_role(actor, Role.SYSTEM_ADMIN)
    if actor is not None and actor.pk == user.pk:
        raise Refusal("permission.two_person", _("Two-person rule: you cannot issue a password to yourself."))
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record_event(actor=actor, action="accounts.one_time_password_issued", obj=user, after={"must_change": True})
    return password


@transaction.atomic
def record_password_changed(*, user: User) -> None:
    """The user chose their own password (after a one-time password, or at will)."""
    was_required = user.must_change_password
    if was_required:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    record_event(actor=user, action="accounts.password_changed", obj=user, after={"was_required": was_required})


@transaction.atomic
def save_organization(*, actor: User | None, organization: Organization | None = None, parent=None, **fields):
    """The system administrator creates an organization (under a parent) or edits its name and code. Moving one in
    the tree changes who sees which decisions: that is `move_organization`, the security administrator's act."""
    _ensure_role(actor, Role.SYSTEM_ADMIN)
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    created = organization is None
    if created:
        organization = Organization(parent=parent, **fields)
        before = {}
    else:
        if parent is not None and parent.pk != organization.parent_id:
            raise Refusal(
                "accounts.move_is_security_admins",
                _("Moving an organization in the tree is an act of the security administrator (move_organization)."),
            )
        before = {name: getattr(organization, name) for name in fields if getattr(organization, name) != fields[name]}
        for name, value in fields.items():
            setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    record_event(
        actor=actor,
        action="accounts.organization_created" if created else "accounts.organization_updated",
        obj=organization,
        before=before,
        after={**{name: getattr(organization, name) for name in (fields if created else before)}}
        | ({"parent": _ledger_value(parent)} if created else {}),
    )
    return organization


# What else an organization's move changes (registered by the apps that know: decisions lists the decisions whose
# scope moves with it). Each is (organization, new parent) -> list of strings to show before confirming.
_MOVE_EFFECTS: list = []


def register_move_effects(describe) -> None:
    if describe not in _MOVE_EFFECTS:
        _MOVE_EFFECTS.append(describe)


def move_effects(organization: Organization, new_parent: Organization) -> list[str]:
    return [line for describe in _MOVE_EFFECTS for line in describe(organization, new_parent)]


@transaction.atomic
def move_organization(
    *, organization: Organization, new_parent: Organization, actor: User | None, confirmed: list[str]
) -> Organization:
    """The security administrator moves an organization under another parent. Its members' unit roles then reach
    other decisions, so the act lists what changes (`move_effects`) and goes through only when the administrator
    confirms exactly that list; recorded with it."""
    _ensure_role(actor, Role.SECURITY_ADMIN)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if new_parent.pk in organization.descendant_ids():
        raise Refusal("accounts.move_cycle", _("An organization cannot move under itself or one of its units."))
    effects = move_effects(organization, new_parent)
    if sorted(confirmed) != sorted(effects):
        raise Refusal(
            "accounts.move_unconfirmed",
            _("Confirm the changes of scope this move makes (they are listed again): %(effects)s")
            % {"effects": "；".join(effects) or _("none")},
        )
    before = {"parent": organization.parent_id}
    organization.parent = new_parent
    organization.save(update_fields=["parent"])
    record_event(
        actor=actor,
        action="accounts.organization_moved",
        obj=organization,
        before=before,
        after={"parent": new_parent.pk, "scope_changes": effects},
    )
    return organization
