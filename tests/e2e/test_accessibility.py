"""axe-core (axe-playwright-python bundles axe.min.js: nothing downloaded at run time) in Debian chromium: no
"critical" or "serious" violation on the login page, the staff home, a decision page, a step page and the 404 page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from decisions.procedure import StepKind
from decisions.selectors import current_steps
from tests.e2e.test_step_approval_flow import log_in
from tests.factories import make_decision, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"critical", "serious"}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node.get("target") else "?" for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING
    ]


def test_no_serious_accessibility_violations(live_server, page):
    world = make_world()
    decision = make_decision(world)
    step = current_steps(decision)[StepKind.RISK_ASSESSMENT]
    base = live_server.url
    found = {}

    page.goto(base + reverse("login"))
    found["login"] = serious_violations(page)
    log_in(page, base, "drafter")
    found["home"] = serious_violations(page)
    for name, url in (
        ("decision", reverse("manage:decision", args=[decision.pk])),
        ("step", reverse("manage:step", args=[step.pk])),
        ("404", "/manage/decisions/999999/"),
    ):
        page.goto(base + url)
        found[name] = serious_violations(page)

    assert {name: problems for name, problems in found.items() if problems} == {}
