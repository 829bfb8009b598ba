"""The execution page in a browser: each indicator's chart is drawn (Chart.js, no inline script: the CSP holds), the
figures are in the table too, a report is made through the page's multipart form, and axe finds nothing serious."""

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import ExecutionReport
from demo.walkthrough import pdf_file
from tests.decisions.test_execution_reports import all_values, executing, with_indicators
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_step_approval_flow import log_in
from tests.factories import make_decision, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_execution_page_draws_its_charts_and_takes_a_report(live_server, page, tmp_path):
    world = make_world()
    decision = executing(world, make_decision(world))
    indicators = with_indicators(world, decision)
    services.report_progress(
        decision=decision,
        actor=world.drafter_b,
        period="2026年第三季度",
        progress="第一期。",
        values=all_values(indicators, "40", "5", "85"),
    )
    errors = []
    # Script errors only (the browser's own request for /favicon.ico is a 404; the charts drawn show the scripts load).
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "drafter_b")
    page.goto(live_server.url + reverse("manage:execution", args=[decision.pk]))
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas')].map(c => Boolean(window.Chart && Chart.getChart(c)))"
    )
    assert drawn == [True, True, True]
    assert serious_violations(page) == []

    page.click("#reports summary")
    page.fill("#id_period", "2026年第四季度")
    page.fill("#id_progress", "第二期：新开通专用道12公里。")
    page.fill("#id_problems", "施工影响通行，已调整施工时间。")
    for indicator, value in zip(indicators, ["42.5", "12", "88"], strict=True):
        page.fill(f"#id_value_{indicator.pk}", value)
    document = tmp_path / "第四季度报告.pdf"
    document.write_bytes(pdf_file("x.pdf").read())
    page.set_input_files("#id_documents", str(document))
    page.click("#reports form button[type=submit]")
    page.wait_for_selector("text=第二期：新开通专用道12公里。")
    report = ExecutionReport.objects.latest("id")
    assert (report.period, report.values.count(), report.documents.count()) == ("2026年第四季度", 3, 1)
    assert page.evaluate("() => Chart.getChart(document.querySelector('canvas')).data.labels.length") == 2
    assert errors == []
