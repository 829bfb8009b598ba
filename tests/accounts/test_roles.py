"""Roles are groups; the three separated administrators (三员分立) are three different people."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from accountability.models import LedgerEvent
from accounts.roles import SEPARATED_ADMIN_ROLES, Role
from accounts.services import assign_role, ensure_role_groups
from tests.factories import make_user
from tests.refusals import refused

ADMIN_PAIRS = [(a, b) for a in sorted(SEPARATED_ADMIN_ROLES) for b in sorted(SEPARATED_ADMIN_ROLES) if a != b]


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


@pytest.fixture
def security_admin(world):
    return make_user("secadmin", world.city, Role.SECURITY_ADMIN, name="安全管理员")


@pytest.mark.parametrize(("held", "adding"), ADMIN_PAIRS)
def test_assign_role_refuses_a_second_administrator_role(world, security_admin, held, adding):
    user = make_user("admin1", world.city, held)
    with refused("accounts.separated_admins", says=Role(adding).label):
        assign_role(user=user, role=adding, actor=security_admin)
    assert roles_of(user) == {held.value}


@pytest.mark.parametrize(("held", "adding"), ADMIN_PAIRS)
def test_adding_a_second_administrator_group_directly_is_refused(world, held, adding):
    user = make_user("admin1", world.city, held)
    ensure_role_groups()
    group = Group.objects.get(name=adding.value)
    # The related manager adds inside atomic(savepoint=False): a refusal there spoils the caller's
    # transaction, so each attempt runs in its own savepoint (as the admin's atomic change view does).
    with refused("accounts.separated_admins"), transaction.atomic():
        user.groups.add(group)
    with refused("accounts.separated_admins"), transaction.atomic():
        group.user_set.add(user)
    with refused("accounts.separated_admins"), transaction.atomic():
        user.groups.set([Group.objects.get(name=held.value), group])
    assert roles_of(user) == {held.value}


def test_adding_two_administrator_groups_at_once_is_refused(world):
    user = make_user("fresh", world.city)
    ensure_role_groups()
    with refused("accounts.separated_admins"), transaction.atomic():
        user.groups.add(*Group.objects.filter(name__in=[Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN]))
    assert roles_of(user) == set()


def test_security_admin_assigns_roles_and_it_is_recorded(world, security_admin):
    user = make_user("newcomer", world.transport)
    assign_role(user=user, role=Role.DRAFTER, actor=security_admin)
    assign_role(user=user, role=Role.DEPT_HEAD, actor=security_admin)  # ordinary roles may combine
    assert roles_of(user) == {"drafter", "dept_head"}
    event = LedgerEvent.objects.order_by("-id").first()
    assert (event.action, event.actor, event.role, event.object_id) == (
        "accounts.role_assigned",
        security_admin,
        "security_admin",
        str(user.pk),
    )
    assert event.before == {"roles": ["drafter"]}
    assert event.after == {"roles": ["dept_head", "drafter"]}


def test_assigning_a_role_already_held_changes_nothing(world, security_admin):
    events = LedgerEvent.objects.count()
    assign_role(user=world.drafter, role=Role.DRAFTER, actor=security_admin)
    assert LedgerEvent.objects.count() == events


@pytest.mark.parametrize("persona", ["drafter", "head", "gov", "legal_reviewer", "supervisor"])
def test_other_roles_cannot_assign_roles(world, persona):
    user = make_user("newcomer", world.transport)
    with refused("permission.role", says="role"):
        assign_role(user=user, role=Role.DRAFTER, actor=getattr(world, persona))
    assert roles_of(user) == set()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
def test_other_administrators_cannot_assign_roles(world, role):
    admin = make_user("admin1", world.city, role)
    user = make_user("newcomer", world.transport)
    with refused("permission.role"):
        assign_role(user=user, role=Role.DRAFTER, actor=admin)


def test_security_admin_cannot_make_themselves_another_administrator(world, security_admin):
    with refused("accounts.separated_admins"):
        assign_role(user=security_admin, role=Role.AUDIT_ADMIN, actor=security_admin)


def test_the_migration_creates_a_group_for_every_role(db):
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    migration = import_module("accounts.migrations.0002_role_groups")
    assert set(migration.ROLES) == set(Role.values)
    Group.objects.all().delete()
    migration.create_role_groups(apps, None)
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
