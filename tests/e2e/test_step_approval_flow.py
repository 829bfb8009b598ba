"""In Debian chromium: a drafter proposes a decision and submits a step; the head approves; the timeline shows both."""

import re

import pytest
from django.urls import reverse

from decisions.models import Decision
from decisions.procedure import StepKind
from decisions.selectors import current_steps
from demo.walkthrough import pdf_file
from tests.factories import PASSWORD, enter_in_catalog, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(base_url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/$"))


def log_out(page):
    page.click("form[action$='/accounts/logout/'] button")


def test_drafter_submits_and_head_approves(live_server, page):
    world = make_world()
    base = live_server.url

    log_in(page, base, "drafter")
    page.goto(base + reverse("manage:decision_create"))
    page.fill("#id_title", "关于推行公交都市建设的实施意见")
    page.fill("#id_summary", "优化线网，提高公交分担率。")
    page.select_option("#id_scope_category", "public_policy")
    page.click("form button.primary")
    page.wait_for_url(re.compile(r"/manage/decisions/\d+/$"))
    decision = Decision.objects.get(title="关于推行公交都市建设的实施意见")
    assert page.locator("#decision-status").inner_text().strip() != ""

    # The government office enters it in the catalog; the drafter then starts the procedure in the browser.
    enter_in_catalog(world, decision)
    page.goto(base + reverse("manage:transition", args=[decision.pk, "start_drafting"]))
    page.click("form button.primary")
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/$"))

    step = current_steps(decision)[StepKind.PARTY_REPORT]
    page.goto(base + reverse("manage:step", args=[step.pk]))
    page.fill("#id_recipient", "中共示例市委常委会")
    page.fill("#id_reported_on", "2026-11-20")
    page.fill("#id_response_received_on", "2026-11-24")
    page.fill("#id_summary", "市委常委会原则同意。")
    page.click(f"form[action$='/steps/{step.pk}/details/'] button")
    # The report as sent is the step's document (Art. 31).
    upload = page.locator(f"form[action$='/steps/{step.pk}/upload/']")
    upload.locator("input[name=title]").fill("关于推行公交都市建设的请示")
    upload.locator("select[name=kind]").select_option("report")
    upload.locator("input[name=file]").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": pdf_file("report.pdf").read()}
    )
    upload.locator("button").click()
    page.wait_for_url(re.compile(rf"/manage/steps/{step.pk}/$"))
    page.click(f"form[action$='/steps/{step.pk}/submit/'] button")
    page.wait_for_url(re.compile(rf"/manage/steps/{step.pk}/$"))
    assert page.locator("#step-status").get_attribute("class").endswith("status-submitted")
    log_out(page)

    log_in(page, base, "head")
    page.goto(base + reverse("manage:step", args=[step.pk]))
    page.fill("#id_comment", "同意报送。")
    page.click(f"form[action$='/steps/{step.pk}/approve/'] button.primary")
    page.wait_for_url(re.compile(rf"/manage/steps/{step.pk}/$"))
    assert page.locator("#step-status").get_attribute("class").endswith("status-done")

    page.goto(base + reverse("manage:decision", args=[decision.pk]))
    timeline = page.locator(f".timeline li[data-kind='{StepKind.PARTY_REPORT}']").inner_text()
    assert "张起草" in timeline  # submitted by the drafter
    assert "李处长" in timeline  # approved by the head
    assert "同意报送。" in timeline
    ledger = page.locator("#ledger").inner_text()
    assert "Step submitted" in ledger and "Step approved" in ledger  # labelled (the codes only on request)
    page.screenshot(path=str(live_server_screenshot_path()))


def live_server_screenshot_path():
    from django.conf import settings

    path = settings.MEDIA_ROOT / "e2e-timeline.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
