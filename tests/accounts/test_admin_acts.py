"""三员分立 holds in the admin too: every administrative act goes through a service and into the ledger; the system
administrator never sets another person's password nor moves an organization; sessions end on time."""

import time
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accountability.models import LedgerEvent
from accounts import services
from accounts.errors import Refusal
from accounts.middleware import LAST_SEEN, LOGGED_IN_AT
from accounts.models import Organization, User
from tests.factories import PASSWORD, add_remaining_personas, make_decision
from tests.refusals import refused
from workdays.models import Holiday

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def admins(world):
    add_remaining_personas(world)
    User.objects.filter(pk=world.system_admin.pk).update(is_staff=True)
    world.system_admin.refresh_from_db()
    return world


def actions(**filters) -> list[str]:
    return list(LedgerEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def test_the_system_administrator_cannot_set_another_persons_password(client, admins):
    client.force_login(admins.system_admin)
    url = reverse("admin:auth_user_password_change", args=[admins.drafter.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "x-Very-long-1234", "password2": "x-Very-long-1234"})
    assert response.status_code == 403
    assert User.objects.get(pk=admins.drafter.pk).check_password(PASSWORD)


def test_a_new_member_gets_a_one_time_password_and_must_choose_their_own(client, admins):
    client.force_login(admins.system_admin)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "organization": admins.transport.pk,
            "display_name": "新同事",
            "title": "",
            "email": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.must_change_password
    shown = [str(message) for message in response.context["messages"] if "One-time password" in str(message)]
    password = shown[0].split(": ", 1)[1].split(" ", 1)[0]
    assert actions(object_id=str(newcomer.pk)) == ["accounts.user_created", "accounts.one_time_password_issued"]
    assert password not in str(LedgerEvent.objects.filter(object_id=str(newcomer.pk)).values_list("after"))

    client.logout()
    client.force_login(newcomer)
    assert client.get(reverse("manage:home"))["Location"] == reverse("password_change")
    new_password = "Choose-my-own-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password and newcomer.check_password(new_password)
    assert actions(object_id=str(newcomer.pk))[-1] == "accounts.password_changed"


def test_disabling_an_account_is_recorded_and_ends_its_sessions_at_once(client, admins):
    client.force_login(admins.drafter)
    assert client.get(reverse("manage:home")).status_code == 200
    services.update_user(user=admins.drafter, actor=admins.system_admin, is_active=False)
    assert client.get(reverse("manage:home")).status_code == 302  # the open session no longer counts
    assert actions(object_id=str(admins.drafter.pk))[-1] == "accounts.user_disabled"
    with refused("permission.role", kind=Refusal):
        services.update_user(user=admins.head, actor=admins.security_admin, is_active=False)


def test_organizations_are_edited_through_the_service_and_not_moved_from_the_admin(client, admins):
    client.force_login(admins.system_admin)
    url = reverse("admin:accounts_organization_change", args=[admins.transport.pk])
    response = client.post(
        url,
        {
            "code": "transport",
            "name": "市交通运输局（更名）",
            "short_name": "",
            "kind": "department",
            "parent": admins.environment.pk,
        },
    )
    assert response.status_code == 302
    transport = Organization.objects.get(pk=admins.transport.pk)
    assert (transport.name, transport.parent_id) == ("市交通运输局（更名）", admins.city.pk)  # not moved
    assert actions(action__startswith="accounts.organization") == ["accounts.organization_updated"]
    client.force_login(admins.gov)
    assert client.get(url).status_code in (302, 403)  # no one but the system administrator


def test_moving_an_organization_is_the_security_administrators_confirmed_act(admins):
    decision = make_decision(admins)
    effects = services.move_effects(admins.transport, admins.environment)
    assert effects == [f"{decision.number} {decision.title}"]
    with refused("permission.role", kind=Refusal):
        services.move_organization(
            organization=admins.transport, new_parent=admins.environment, actor=admins.system_admin, confirmed=effects
        )
    with refused("accounts.move_unconfirmed", kind=Refusal, says=decision.number):
        services.move_organization(
            organization=admins.transport, new_parent=admins.environment, actor=admins.security_admin, confirmed=[]
        )
    with refused("accounts.move_cycle", kind=Refusal):
        services.move_organization(
            organization=admins.city, new_parent=admins.transport, actor=admins.security_admin, confirmed=[]
        )
    services.move_organization(
        organization=admins.transport, new_parent=admins.environment, actor=admins.security_admin, confirmed=effects
    )
    assert Organization.objects.get(pk=admins.transport.pk).parent_id == admins.environment.pk
    event = LedgerEvent.objects.get(action="accounts.organization_moved")
    assert (event.after["scope_changes"] == effects and event.role == "") or event.after["scope_changes"] == effects


def test_the_move_command_lists_the_changes_before_it_moves(admins):
    make_decision(admins)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("move_organization", "transport", "environment", "--by", "secadmin", stdout=out)
    assert "2026-001" in out.getvalue()
    assert Organization.objects.get(pk=admins.transport.pk).parent_id == admins.city.pk
    call_command("move_organization", "transport", "environment", "--by", "secadmin", "--confirm", stdout=StringIO())
    assert Organization.objects.get(pk=admins.transport.pk).parent_id == admins.environment.pk


def test_holidays_changed_in_the_admin_are_in_the_ledger(client, admins, django_user_model):
    from django.contrib.auth.models import Permission

    admins.system_admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="workdays"))
    client.force_login(User.objects.get(pk=admins.system_admin.pk))
    response = client.post(
        reverse("admin:workdays_holiday_add"), {"date": "2027-10-08", "kind": "rest", "name": "国庆节"}
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=date(2027, 10, 8))
    client.post(reverse("admin:workdays_holiday_delete", args=[holiday.pk]), {"post": "yes"})
    assert not Holiday.objects.exists()
    assert actions(action__startswith="workdays.") == ["workdays.holiday_saved", "workdays.holiday_deleted"]


# ---------------------------------------------------------------- sessions and caching


def test_a_session_ends_after_thirty_idle_minutes_and_after_its_maximum_length(client, world):
    client.force_login(world.drafter)
    assert client.get(reverse("manage:home")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("manage:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.drafter)
    client.get(reverse("manage:home"))
    session = client.session
    session[LOGGED_IN_AT] = int(time.time()) - 9 * 3600
    session.save()
    assert client.get(reverse("manage:home")).status_code == 302


def test_staff_pages_are_never_stored_and_the_portal_may_be(client, world, decision):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.force_login(world.drafter)
    assert "no-store" in client.get(reverse("manage:decision", args=[decision.pk]))["Cache-Control"]
    assert "no-store" in client.get(reverse("api:decisions"))["Cache-Control"]
