"""In Debian chromium: Swagger UI at /api/docs/ renders the schema under the strict CSP, with no violation."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_without_csp_violations(live_server, page):
    make_world()
    violations, requests = [], []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "drafter")
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/$"))

    page.goto(live_server.url + reverse("api-docs"))
    page.wait_for_selector("text=/api/v1/decisions/{id}/transitions/{name}/")
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Juece API")
    assert violations == []
    assert all(url.startswith(live_server.url) for url in requests)  # nothing from a CDN
