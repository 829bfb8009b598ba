"""With production settings staff give a second factor (TOTP) after their password: enrol once, then every login."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accountability.models import LedgerEvent

pytestmark = [pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _otp_required(settings):
    settings.OTP_REQUIRED = True


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_staff_member_enrolls_then_gives_the_code_before_any_staff_page(client, world):
    client.force_login(world.drafter)
    response = client.get(reverse("manage:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp"))
    page = client.get(response["Location"])
    assert 'id="otp-secret"' in page.content.decode()
    device = TOTPDevice.objects.get(user=world.drafter, confirmed=False)

    wrong = client.post(reverse("otp"), {"token": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert LedgerEvent.objects.filter(action="accounts.otp_failed", object_id=str(world.drafter.pk)).exists()

    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows guessing after a failure; the member waits, here we do not
    response = client.post(f"{reverse('otp')}?next={reverse('manage:decisions')}", {"token": code_of(device)})
    assert response.status_code == 302 and response["Location"] == reverse("manage:decisions")
    assert client.get(reverse("manage:home")).status_code == 200
    assert TOTPDevice.objects.get(user=world.drafter).confirmed
    assert LedgerEvent.objects.filter(action="accounts.otp_enrolled", object_id=str(world.drafter.pk)).exists()


def test_the_api_refuses_until_the_second_factor_is_given(client, world):
    client.force_login(world.drafter)
    response = client.get(reverse("api:decisions"))
    assert (response.status_code, response.json()["code"]) == (403, "permission.second_factor")


def test_an_enrolled_member_is_asked_for_the_code_not_a_new_key(client, world):
    TOTPDevice.objects.create(user=world.head, name="app", confirmed=True)
    client.force_login(world.head)
    page = client.get(reverse("otp"))
    assert 'id="otp-secret"' not in page.content.decode()
    assert TOTPDevice.objects.filter(user=world.head).count() == 1


def test_an_outside_next_address_is_not_followed(client, world):
    device = TOTPDevice.objects.create(user=world.gov, name="app", confirmed=True)
    client.force_login(world.gov)
    response = client.post(f"{reverse('otp')}?next=https://evil.example/", {"token": code_of(device)})
    assert response["Location"] == "/manage/"
