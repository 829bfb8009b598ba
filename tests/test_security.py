"""Login lockout (django-axes) and the Content Security Policy header."""

from django.urls import reverse

from tests.factories import PASSWORD


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failed_logins_lock_the_username_from_that_address(client, world):
    for _ in range(5):
        assert attempt(client, "drafter", "wrong-password").status_code in (200, 429)
    locked = attempt(client, "drafter", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    assert attempt(client, "head", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, world):
    for _ in range(4):
        attempt(client, "drafter", "wrong-password")
    assert attempt(client, "drafter", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "drafter", "wrong-password")
    assert attempt(client, "drafter", PASSWORD).status_code == 302


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get(reverse("portal:home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "<script" not in response.content.decode()
