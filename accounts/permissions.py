"""Who may give roles: the one permission accounts itself needs (the procedure's are in `decisions.permissions`).

`Verdict` is the answer every permission check of the project gives: truthy when allowed, else a stable code and a
translated reason that services raise and pages show.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import Role


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    code: str = ""
    message: str | Promise = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)


def organ_id_of(user) -> int | None:
    """The decision organ (nearest government ancestor) of the user's organization."""
    if not user.organization_id:
        return None
    organ = user.organization.organ
    return organ.pk if organ else None


def subtree_ids_of(user) -> set[int]:
    """The user's organization and everything below it (cached on the user object for the request)."""
    cached = getattr(user, "_juece_subtree_ids", None)
    if cached is None:
        cached = user.organization.descendant_ids() if user.organization_id else set()
        user._juece_subtree_ids = cached
    return cached


def may_assign_role(user, target=None) -> Verdict:
    """A security administrator gives roles to other people of their own decision organ, never to themselves.

    Without a target the answer is only whether the role allows assigning roles at all (e.g. to show a page);
    `accounts.services.assign_role` always asks with the target user.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Verdict(False, "permission.login", _("You must be logged in."))
    if Role.SECURITY_ADMIN not in user.role_names:
        return Verdict(False, "permission.role", _("Your role does not allow this action."))
    if target is None:
        return ALLOWED
    if target.pk == user.pk:
        return Verdict(False, "permission.two_person", _("Two-person rule: you cannot give yourself a role."))
    organ_id = organ_id_of(user)
    if organ_id is None:
        return Verdict(False, "permission.organization", _("Your account belongs to no decision organ."))
    if organ_id_of(target) != organ_id:
        return Verdict(False, "permission.scope", _("This user does not belong to your decision organ."))
    return ALLOWED
