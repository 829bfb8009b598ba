"""Roles are groups; the three separated administrators (三员分立) are three different people."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from accountability.models import LedgerEvent
from accounts.errors import Refusal
from accounts.permissions import may_assign_role
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
    with refused("accounts.separated_admins", kind=Refusal, says=Role(adding).label):
        assign_role(user=user, role=adding, actor=security_admin)
    assert roles_of(user) == {held.value}


@pytest.mark.parametrize(("held", "adding"), ADMIN_PAIRS)
def test_adding_a_second_administrator_group_directly_is_refused(world, held, adding):
    user = make_user("admin1", world.city, held)
    ensure_role_groups()
    group = Group.objects.get(name=adding.value)
    # The related manager adds inside atomic(savepoint=False): a refusal there spoils the caller's
    # transaction, so each attempt runs in its own savepoint (as the admin's atomic change view does).
    with refused("accounts.separated_admins", kind=Refusal), transaction.atomic():
        user.groups.add(group)
    with refused("accounts.separated_admins", kind=Refusal), transaction.atomic():
        group.user_set.add(user)
    with refused("accounts.separated_admins", kind=Refusal), transaction.atomic():
        user.groups.set([Group.objects.get(name=held.value), group])
    assert roles_of(user) == {held.value}


def test_adding_two_administrator_groups_at_once_is_refused(world):
    user = make_user("fresh", world.city)
    ensure_role_groups()
    with refused("accounts.separated_admins", kind=Refusal), transaction.atomic():
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
    with refused("permission.role", kind=Refusal, says="role"):
        assign_role(user=user, role=Role.DRAFTER, actor=getattr(world, persona))
    assert roles_of(user) == set()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
def test_other_administrators_cannot_assign_roles(world, role):
    admin = make_user("admin1", world.city, role)
    user = make_user("newcomer", world.transport)
    with refused("permission.role", kind=Refusal):
        assign_role(user=user, role=Role.DRAFTER, actor=admin)


@pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.DRAFTER, Role.SUPERVISOR])
def test_security_admin_cannot_give_themselves_a_role(world, security_admin, role):
    with refused("permission.two_person", kind=Refusal, says="Two-person rule"):
        assign_role(user=security_admin, role=role, actor=security_admin)
    assert roles_of(security_admin) == {"security_admin"}


def test_security_admin_serves_only_their_own_decision_organ(world, security_admin):
    with refused("permission.scope", kind=Refusal, says="decision organ"):
        assign_role(user=world.outsider, role=Role.DEPT_HEAD, actor=security_admin)
    assert roles_of(world.outsider) == {"drafter"}
    other_admin = make_user("secadmin2", world.other_city, Role.SECURITY_ADMIN)
    with refused("permission.scope", kind=Refusal):
        assign_role(user=world.drafter, role=Role.DEPT_HEAD, actor=other_admin)
    assign_role(user=world.outsider, role=Role.DEPT_HEAD, actor=other_admin)
    assert roles_of(world.outsider) == {"drafter", "dept_head"}


def test_users_of_no_organ_are_out_of_a_security_admins_scope(world, security_admin):
    loose = make_user("loose", None)
    with refused("permission.scope", kind=Refusal):
        assign_role(user=loose, role=Role.DRAFTER, actor=security_admin)
    organless_admin = make_user("secadmin0", None, Role.SECURITY_ADMIN)
    with refused("permission.organization", kind=Refusal):
        assign_role(user=loose, role=Role.DRAFTER, actor=organless_admin)
    assert roles_of(loose) == set()


def test_the_system_itself_may_assign_any_role(world):
    user = make_user("newcomer", world.other_dept)
    assign_role(user=user, role=Role.SECURITY_ADMIN, actor=None)
    assert roles_of(user) == {"security_admin"}
    assert LedgerEvent.objects.order_by("-id").first().actor_name == "system"


def test_can_assign_role_without_a_target_only_asks_the_role(world, security_admin):
    assert may_assign_role(security_admin)
    assert not may_assign_role(world.gov)
    assert may_assign_role(security_admin, world.drafter)
    assert may_assign_role(security_admin, security_admin).code == "permission.two_person"
    assert may_assign_role(security_admin, world.outsider).code == "permission.scope"


# ---------------------------------------------------------------- the admin is no back door


def test_admin_user_form_cannot_change_roles_permissions_or_superuser(world, client):
    from django.contrib.admin.sites import site

    from accounts.models import User

    model_admin = site._registry[User]
    assert {"groups", "user_permissions", "is_superuser"} <= set(model_admin.get_readonly_fields(None, world.drafter))
    system_admin = make_user("sysadmin", world.city, Role.SYSTEM_ADMIN)
    User.objects.filter(pk=system_admin.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=system_admin.pk))
    page = client.get(f"/admin/accounts/user/{world.drafter.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert not {"groups", "user_permissions", "is_superuser"} & set(form.fields)

    ensure_role_groups()
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update(
        {
            "is_active": "on",
            "title": "科员",
            "groups": [Group.objects.get(name=Role.SECURITY_ADMIN).pk],
            "user_permissions": [],
            "is_superuser": "on",
        }
    )
    data.pop("last_login", None)
    data.pop("password", None)
    response = client.post(f"/admin/accounts/user/{world.drafter.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    drafter = User.objects.get(pk=world.drafter.pk)
    assert drafter.title == "科员"  # the form was saved …
    assert (roles_of(drafter), drafter.is_superuser) == ({"drafter"}, False)  # … but not these


# ---------------------------------------------------------------- manage.py assign_role


def run_assign_role(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("assign_role", *args, stdout=out)
    return out.getvalue()


def command_refused(*args) -> str:
    events = LedgerEvent.objects.count()
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("assign_role", *args, stdout=StringIO())
    assert caught.value.returncode == 1
    assert LedgerEvent.objects.count() == events, "a refused assignment changed the ledger"
    return str(caught.value)


def test_assign_role_command_gives_the_role_and_records_the_actor(world, security_admin):
    user = make_user("newcomer", world.transport)
    out = run_assign_role("newcomer", "drafter", "--by", "secadmin")
    assert "newcomer" in out and "Drafter" in out
    assert roles_of(user) == {"drafter"}
    event = LedgerEvent.objects.order_by("-id").first()
    assert (event.action, event.actor, event.role, event.object_id) == (
        "accounts.role_assigned",
        security_admin,
        "security_admin",
        str(user.pk),
    )
    assert (event.before, event.after) == ({"roles": []}, {"roles": ["drafter"]})
    events = LedgerEvent.objects.count()
    assert "already holds" in run_assign_role("newcomer", "drafter", "--by", "secadmin")
    assert LedgerEvent.objects.count() == events


@pytest.mark.parametrize("persona", ["gov", "supervisor"])
def test_assign_role_command_refuses_an_actor_who_is_not_security_admin(world, security_admin, persona):
    user = make_user("newcomer", world.transport)
    message = command_refused("newcomer", "drafter", "--by", getattr(world, persona).username)
    assert "role does not allow" in message
    assert roles_of(user) == set()


def test_assign_role_command_refuses_self_assignment(world, security_admin):
    message = command_refused("secadmin", "drafter", "--by", "secadmin")
    assert "Two-person rule" in message
    assert roles_of(security_admin) == {"security_admin"}


def test_assign_role_command_refuses_a_second_administrator_role(world, security_admin):
    auditor = make_user("auditor", world.city, Role.AUDIT_ADMIN)
    message = command_refused("auditor", "system_admin", "--by", "secadmin")
    assert "three administrators" in message and "System administrator" in message
    assert roles_of(auditor) == {"audit_admin"}


def test_assign_role_command_refuses_another_organs_user(world, security_admin):
    message = command_refused("outsider", "dept_head", "--by", "secadmin")
    assert "decision organ" in message
    assert roles_of(world.outsider) == {"drafter"}


def test_assign_role_command_names_an_unknown_role_or_user(world, security_admin):
    message = command_refused("drafter", "emperor", "--by", "secadmin")
    assert "emperor" in message and "security_admin" in message
    assert "nobody" in command_refused("nobody", "drafter", "--by", "secadmin")
    assert "ghost" in command_refused("drafter", "dept_head", "--by", "ghost")
    assert roles_of(world.drafter) == {"drafter"}


def test_assign_role_command_needs_an_actor(world):
    with pytest.raises(CommandError, match="--by"):
        call_command("assign_role", "drafter", "dept_head", stdout=StringIO())


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
