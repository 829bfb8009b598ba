"""In Debian chromium: one decision from `decided` through its publication, two progress reports, a citizen's report
on its execution and its answer, an evaluation concluding "adjust", and the publication of the adjustment — each of
these on its own page. What is not this test's subject (the steps before the decision, the adjustment's own round of
steps up to its meeting) is done through the walkthrough."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.models import Decision, ExecutionProblemReport, Publication
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to, pdf_file
from tests.e2e.test_step_approval_flow import log_in, log_out
from tests.factories import make_decision, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_transition(page, base, decision, name):
    page.goto(base + reverse("manage:transition", args=[decision.pk, name]))
    return page.locator("#transition-form")


def submit_transition(page, form, decision):
    form.locator("button.primary").click()
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/$"))
    decision.refresh_from_db()
    return decision


def upload_on_decision_page(page, base, decision, path, title, kind, public=False):
    page.goto(base + reverse("manage:decision", args=[decision.pk]))
    form = f"form[action$='/decisions/{decision.pk}/documents/']"
    page.click(f"details:has({form}) > summary")
    page.set_input_files(f"{form} #id_file", str(path))
    page.fill(f"{form} #id_title", title)
    page.select_option(f"{form} #id_kind", kind)
    if public:
        page.check(f"{form} #id_is_public")
    page.click(f"{form} button")
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/#documents$"))


def publish(page, base, decision, issue, explanation):
    form = open_transition(page, base, decision, "publish")
    form.locator("input[name=media][value=gazette]").check()
    form.locator("input[name=media][value=website]").check()
    form.locator("#id_channels").fill("《示例市人民政府公报》、市政府门户网站“政策文件”栏目")
    form.locator("#id_published_on").fill(timezone.localdate().isoformat())
    form.locator("#id_document_number").fill("示政发〔2026〕12号")
    form.locator("#id_issue_number").fill(issue)
    form.locator("#id_link").fill("https://www.example.gov.cn/zwgk/2026/12.html")
    if not form.locator("#id_opinions_explanation").input_value().strip():
        form.locator("#id_opinions_explanation").fill(explanation)
    return submit_transition(page, form, decision)


def report_progress(page, base, decision, period, progress, value):
    page.goto(base + reverse("manage:execution", args=[decision.pk]))
    page.click("#reports summary")
    form = page.locator("#reports form")
    form.locator("#id_period").fill(period)
    form.locator("#id_progress").fill(progress)
    form.locator("#id_problems").fill("部分站点换乘指引不清，已增设标识。")
    form.locator("input[name^=value_]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"text={progress}")


def test_from_decided_through_execution_and_evaluation_to_the_adjustments_publication(live_server, page, tmp_path):
    world = make_world()
    base = live_server.url
    decision = make_decision(world, title="关于优化中心城区公交线网的决定")
    drive_to(decision, State.DECIDED, world.cast)
    text = tmp_path / "决定文本.pdf"
    text.write_bytes(pdf_file("text.pdf", decision.title).read())

    # Publication (Art. 32): the decision text, the media with the gazette's issue and the page, the explanation.
    log_in(page, base, "gov")
    upload_on_decision_page(
        page, base, decision, text, "关于优化中心城区公交线网的决定（正式文本）", "decision_text", True
    )
    decision = publish(page, base, decision, "2026年第12期", "公众意见和专家意见的采纳情况已在反馈报告中说明。")
    assert decision.status == State.PUBLISHED
    publication = Publication.objects.get(step__decision=decision)
    assert (publication.media, publication.issue_number) == (["gazette", "website"], "2026年第12期")

    # Execution (Art. 34): the unit, the cadence; the unit's indicator is set up by the walkthrough.
    form = open_transition(page, base, decision, "start_execution")
    form.locator("#id_execution_unit").select_option(str(world.transport.pk))
    form.locator("#id_report_cadence").select_option("quarterly")
    decision = submit_transition(page, form, decision)
    assert decision.status == State.IN_EXECUTION
    services.set_indicators(
        decision=decision,
        actor=world.drafter,
        indicators=[{"name": "公交分担率（%）", "unit": "%", "baseline": "38", "target": "45"}],
    )
    log_out(page)

    # Two progress reports through the execution page, each with the indicator's value.
    log_in(page, base, "drafter")
    report_progress(page, base, decision, "2026年第三季度", "新开通公交线路6条，调整线路14条。", "40.5")
    report_progress(page, base, decision, "2026年第四季度", "完成第二批线路优化，新增公交专用道8公里。", "42")
    reports = current_steps(decision)[StepKind.EXECUTION].execution_reports.order_by("id")
    assert [report.period for report in reports] == ["2026年第三季度", "2026年第四季度"]
    log_out(page)

    # A citizen reports a problem on the portal and gets a receipt number; the government office answers.
    page.goto(base + reverse("portal:decision", args=[decision.pk]))
    problems = page.locator("#problems form")
    problems.locator("[name=contact]").fill("13812345678")
    problems.locator("[name=content]").fill("调整后的12路末班车提前到晚上九点，夜班职工回家不便。")
    problems.locator("[name=place]").fill("火车站公交枢纽")
    problems.locator("button.primary").click()
    page.wait_for_selector("text=WT-")
    report = ExecutionProblemReport.objects.get(decision=decision)
    assert report.receipt_number in page.content()
    log_in(page, base, "gov")
    page.goto(base + reverse("manage:problem_reports", args=[decision.pk]))
    answer = page.locator(f"form[action$='/problems/{report.pk}/answer/']")
    page.locator(f"details:has(form[action$='/problems/{report.pk}/answer/']) > summary").click()
    answer.locator("[name=answer]").fill("经研究，12路末班车恢复至22:30，自下周一起执行。")
    answer.locator("button").click()
    page.wait_for_selector("text=经研究，12路末班车恢复至22:30")
    report.refresh_from_db()
    assert report.status == ExecutionProblemReport.Status.ANSWERED

    # The evaluation (Art. 36): staged, started by the government office with its trigger.
    form = open_transition(page, base, decision, "start_evaluation")
    form.locator("#id_evaluator_org").select_option(str(world.evaluator_body.pk))
    form.locator("#id_trigger").select_option("citizen_reports")
    form.locator("#id_team").fill("郑评估（项目负责人）\n陈分析（数据分析）")
    form.locator("#id_staged").check()
    form.locator("#id_stage_reason").fill("第一阶段：线网优化第一批线路（2026年）")
    decision = submit_transition(page, form, decision)
    assert decision.status == State.EVALUATING
    log_out(page)

    # The evaluation body uploads its report and submits it, concluding "adjust".
    log_in(page, base, "evaluator")
    step = current_steps(decision)[StepKind.POST_EVALUATION]
    page.goto(base + reverse("manage:step", args=[step.pk]))
    upload = page.locator(f"form[action$='/steps/{step.pk}/upload/']")
    upload.locator("input[name=title]").fill("线网优化第一阶段评估报告")
    upload.locator("select[name=kind]").select_option("report")
    upload.locator("input[name=file]").set_input_files(
        {"name": "evaluation.pdf", "mimeType": "application/pdf", "buffer": pdf_file("evaluation.pdf").read()}
    )
    upload.locator("button").click()
    page.wait_for_url(re.compile(rf"/manage/steps/{step.pk}/$"))
    page.goto(base + reverse("evaluation:decision", args=[decision.pk]))
    form = page.locator("#report-form form")
    for name, value in {
        "implementation": "第一批线路按计划实施。",
        "effects": "公交分担率由38%提高到42%，未达到45%的目标。",
        "costs_benefits": "财政补贴增加1200万元，日均客流增加3.1万人次。",
        "satisfaction": "满意度调查显示满意率76%。",
        "problems": "夜间线路覆盖不足，部分换乘距离过长。",
        "recommendations": "调整夜间线路，缩短枢纽换乘距离。",
        "summary": "建议调整夜间线路安排后继续执行。",
    }.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=conclusion]").select_option("adjust")
    form.locator("button").click()
    page.wait_for_url(re.compile(rf"/manage/evaluation/decisions/{decision.pk}/$"))
    log_out(page)

    # The government office approves it and publishes the public summary: the adjustment opens.
    log_in(page, base, "gov")
    page.goto(base + reverse("evaluation:decision", args=[decision.pk]))
    form = page.locator("#approve form")
    form.locator("[name=public_summary]").fill("评估认为线网优化总体有效，建议调整夜间线路后继续执行。")
    form.locator("button").click()
    page.wait_for_load_state()
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.status == State.IN_EXECUTION and decision.is_adjustment
    assert decision.adjustment.is_running

    # The adjustment's own round up to its meeting (not this test's subject), then its publication in the browser.
    walk = Walkthrough(world.cast)
    walk.complete_required_steps(decision)
    while decision.procedure_state != State.DECIDED:
        decision = walk.step_forward(decision)
    adjusted = tmp_path / "决定文本（调整）.pdf"
    adjusted.write_bytes(pdf_file("adjusted.pdf", "调整后的决定文本").read())
    upload_on_decision_page(
        page, base, decision, adjusted, "关于优化中心城区公交线网的决定（调整后文本）", "decision_text", True
    )
    decision = publish(page, base, decision, "2026年第20期", "调整方案公开征求意见的采纳情况已说明。")
    assert decision.procedure_state == State.PUBLISHED  # the change is published; its execution is restarted next
    form = open_transition(page, base, decision, "start_execution")
    form.locator("#id_execution_unit").select_option(str(world.transport.pk))
    decision = submit_transition(page, form, decision)
    assert decision.status == State.IN_EXECUTION and not decision.is_adjustment  # the adjustment is over
    assert not decision.adjustments.get().is_running
    log_out(page)

    # The public reads both versions, the evaluation's summary, and the numbers of reports (not their content).
    page.goto(base + reverse("portal:decision", args=[decision.pk]))
    content = page.content()
    assert "2026年第12期" in content and "2026年第20期" in content
    assert "建议调整夜间线路后继续执行" in content
    assert "末班车" not in content and "13812345678" not in content
