"""Guessing one username from many addresses is slowed (not locked): the same NAT's colleague waits, never locked."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("english")


def attempt(username: str, password: str, address: str):
    client = Client(REMOTE_ADDR=address)
    client.cookies["django_language"] = "en"
    return client.post(reverse("login"), {"username": username, "password": password})


def test_many_addresses_guessing_one_username_are_slowed_and_the_owner_waits_not_locked(world, settings):
    settings.LOGIN_THROTTLE_AFTER = 4
    for number in range(4):  # four addresses, one failure each: no address reaches axes' lock
        response = attempt("drafter", "wrong-guess", f"10.0.0.{number + 1}")
        assert response.status_code == 200
    # Now even the right password waits (one more failure, counted), from a fresh address…
    response = attempt("drafter", PASSWORD, "10.0.0.99")
    assert response.status_code == 200
    assert "Too many failed logins for this username" in response.content.decode()
    # … while another username is not slowed at all.
    assert attempt("head", PASSWORD, "10.0.0.99").status_code == 302


def test_the_wait_passes(world, settings):
    from datetime import timedelta

    from axes.models import AccessFailureLog
    from django.utils import timezone

    settings.LOGIN_THROTTLE_AFTER = 2
    for number in range(2):
        attempt("drafter", "wrong-guess", f"10.0.1.{number + 1}")
    long_ago = timezone.now() - timedelta(minutes=30)
    for row in AccessFailureLog.objects.filter(username="drafter"):
        AccessFailureLog.objects.filter(pk=row.pk).update(attempt_time=long_ago)
    assert attempt("drafter", PASSWORD, "10.0.1.9").status_code == 302
