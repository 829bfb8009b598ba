"""The administrators' pages of the workspace (/manage/people/, /manage/organizations/): every act through
accounts.services (one ledger event each), and each administrator only their own tools (三员分立)."""

import pytest
from django.urls import reverse

from accountability.models import LedgerEvent
from accounts.models import Organization, User
from accounts.roles import Role
from tests.factories import add_remaining_personas
from tests.factories import log_in_in_english as login

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def admins(world):
    return add_remaining_personas(world)


def events(action: str):
    return LedgerEvent.objects.filter(action=action)


def test_the_system_administrator_lists_the_organs_users_only(client, admins):
    login(client, admins.system_admin)
    response = client.get(reverse("manage:people"))
    assert response.status_code == 200
    usernames = {person.username for person in response.context["people"]}
    assert {"drafter", "head", "gov", "sysadmin"} <= usernames
    assert "outsider" not in usernames  # another city
    page = response.content.decode()
    assert reverse("manage:person_create") in page
    assert reverse("manage:person_roles", args=[admins.drafter.pk]) not in page  # not their tool


def test_the_system_administrator_creates_a_user_and_sees_the_one_time_password_once(client, admins):
    login(client, admins.system_admin)
    response = client.post(
        reverse("manage:person_create"),
        {"username": "newcomer", "organization": admins.transport.pk, "display_name": "新同事", "title": "科员"},
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password and password in response.content.decode()
    person = User.objects.get(username="newcomer")
    assert person.organization == admins.transport and person.must_change_password
    assert not person.role_names  # roles are the security administrator's to give
    assert User.objects.get(pk=person.pk).check_password(password)
    assert events("accounts.user_created").filter(object_id=str(person.pk), actor=admins.system_admin).exists()
    issued = events("accounts.one_time_password_issued").get(object_id=str(person.pk))
    assert password not in str(issued.after) and password not in issued.reason  # never recorded
    # An organization of another city cannot be chosen.
    refused = client.post(
        reverse("manage:person_create"), {"username": "stranger", "organization": admins.other_dept.pk}
    )
    assert refused.status_code == 400 and not User.objects.filter(username="stranger").exists()


def test_the_system_administrator_disables_enables_and_issues_a_one_time_password(client, admins):
    login(client, admins.system_admin)
    url = reverse("manage:person_active", args=[admins.drafter.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    assert not User.objects.get(pk=admins.drafter.pk).is_active
    assert events("accounts.user_disabled").filter(object_id=str(admins.drafter.pk)).count() == 1
    client.post(url, {"active": "1"})
    assert User.objects.get(pk=admins.drafter.pk).is_active
    response = client.post(reverse("manage:person_password", args=[admins.drafter.pk]), {"confirm": "on"})
    assert response.status_code == 200
    assert User.objects.get(pk=admins.drafter.pk).check_password(response.context["password"])
    assert events("accounts.one_time_password_issued").filter(object_id=str(admins.drafter.pk)).count() == 1
    # Not to themselves, never to another city's user.
    own = client.post(reverse("manage:person_password", args=[admins.system_admin.pk]), {"confirm": "on"}, follow=True)
    assert "Two-person rule" in own.content.decode()
    foreign = client.post(reverse("manage:person_password", args=[admins.outsider.pk]), {"confirm": "on"})
    assert foreign.status_code == 404


def test_the_system_administrator_creates_and_edits_an_organization(client, admins):
    login(client, admins.system_admin)
    response = client.post(
        reverse("manage:organization_create"),
        {"code": "health", "name": "市卫生健康委员会", "kind": "department", "parent": admins.city.pk},
    )
    assert response.status_code == 302
    health = Organization.objects.get(code="health")
    assert health.parent == admins.city
    assert events("accounts.organization_created").filter(object_id=str(health.pk)).exists()
    edit = client.post(
        reverse("manage:organization_edit", args=[health.pk]),
        {"code": "health", "name": "市卫健委", "short_name": "卫健委", "kind": "department"},
    )
    assert edit.status_code == 302
    assert Organization.objects.get(pk=health.pk).name == "市卫健委"
    assert events("accounts.organization_updated").filter(object_id=str(health.pk)).exists()


def test_the_security_administrator_gives_a_role_recorded(client, admins):
    login(client, admins.security_admin)
    page = client.get(reverse("manage:people")).content.decode()
    assert reverse("manage:person_roles", args=[admins.drafter.pk]) in page
    assert reverse("manage:person_create") not in page  # not their tool
    response = client.post(reverse("manage:person_roles", args=[admins.drafter.pk]), {"role": Role.EXPERT.value})
    assert response.status_code == 302
    assert Role.EXPERT.value in User.objects.get(pk=admins.drafter.pk).role_names
    event = events("accounts.role_assigned").filter(object_id=str(admins.drafter.pk)).latest("id")
    assert event.actor == admins.security_admin and Role.EXPERT.value in event.after["roles"]


def test_the_security_administrator_is_told_the_three_administrators_rule(client, admins):
    login(client, admins.security_admin)
    before = LedgerEvent.objects.count()
    response = client.post(
        reverse("manage:person_roles", args=[admins.system_admin.pk]), {"role": Role.AUDIT_ADMIN.value}
    )
    assert response.status_code == 400
    assert "The three administrators must be different people" in response.content.decode()
    assert LedgerEvent.objects.count() == before
    assert Role.AUDIT_ADMIN.value not in User.objects.get(pk=admins.system_admin.pk).role_names


def test_the_security_administrator_moves_an_organization_after_seeing_what_changes(client, admins, decision):
    login(client, admins.security_admin)
    url = reverse("manage:organization_move", args=[admins.transport.pk])
    preview = client.post(url, {"new_parent": admins.environment.pk})
    assert preview.status_code == 200
    effects = preview.context["effects"]
    assert any(decision.title in effect for effect in effects)
    assert Organization.objects.get(pk=admins.transport.pk).parent == admins.city  # not moved yet
    unconfirmed = client.post(url, {"new_parent": admins.environment.pk, "confirm": "1"})
    assert unconfirmed.status_code == 400
    confirmed = client.post(url, {"new_parent": admins.environment.pk, "confirm": "1", "confirmed": effects})
    assert confirmed.status_code == 302
    assert Organization.objects.get(pk=admins.transport.pk).parent == admins.environment
    event = events("accounts.organization_moved").get(object_id=str(admins.transport.pk))
    assert event.after["scope_changes"] == effects


def test_the_security_administrator_is_refused_the_system_administrators_tools(client, admins):
    login(client, admins.security_admin)
    assert client.get(reverse("manage:person_create")).status_code == 403
    response = client.post(reverse("manage:person_create"), {"username": "x", "organization": admins.city.pk})
    assert response.status_code == 403 and not User.objects.filter(username="x").exists()
    assert client.get(reverse("manage:person_edit", args=[admins.drafter.pk])).status_code == 403
    issue = client.post(reverse("manage:person_password", args=[admins.drafter.pk]), {"confirm": "on"})
    assert issue.status_code == 403
    assert client.get(reverse("manage:organization_create")).status_code == 403
    assert not events("accounts.user_created").filter(actor=admins.security_admin).exists()


def test_the_system_administrator_is_refused_the_security_administrators_tools(client, admins):
    login(client, admins.system_admin)
    assert client.get(reverse("manage:person_roles", args=[admins.drafter.pk])).status_code == 403
    response = client.post(reverse("manage:person_roles", args=[admins.drafter.pk]), {"role": "expert"})
    assert response.status_code == 403 and "expert" not in User.objects.get(pk=admins.drafter.pk).role_names
    move = reverse("manage:organization_move", args=[admins.transport.pk])
    assert client.get(move).status_code == 403
    assert client.post(move, {"new_parent": admins.environment.pk, "confirm": "1"}).status_code == 403
    assert not events("accounts.role_assigned").filter(actor=admins.system_admin).exists()


def test_other_roles_see_no_administration(client, admins):
    for persona in ("drafter", "supervisor", "audit_admin"):
        login(client, getattr(admins, persona))
        assert client.get(reverse("manage:people")).status_code == 403
        assert client.get(reverse("manage:organizations")).status_code == 403
    login(client, admins.system_admin)
    assert reverse("manage:people") in client.get(reverse("manage:home")).content.decode()
