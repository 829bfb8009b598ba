"""Execution (Decree 713 Art. 34–35): the execution unit and its cooperating units, the indicators, the progress
reports with their values, problems and documents, due a cadence apart — late when after their due date, reminded by
the deadline scan — and the execution page with its chart and tables."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import Document, Execution, ExecutionIndicator, ExecutionReport, IndicatorValue, Step
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to, pdf_file
from notifications.models import Notice
from notifications.scan import scan_deadlines
from tests.factories import log_in_in_english as login
from tests.refusals import refused
from workdays.calendar import months_period_end

pytestmark = pytest.mark.usefixtures("english")

INDICATORS = [
    {"name": "公交分担率（%）", "unit": "%", "baseline": "38", "target": "45"},
    {"name": "新增公交专用道（公里）", "unit": "公里", "baseline": 0, "target": 30},
    {"name": "乘客满意度（分）", "unit": "分", "target": "90"},
]


def counts() -> tuple:
    return (
        ExecutionReport.objects.count(),
        IndicatorValue.objects.count(),
        ExecutionIndicator.objects.count(),
        Document.objects.count(),
    )


def executing(world, decision, cadence="monthly", cooperating=None):
    """Published, then executed by the environment bureau (drafter_b reports), the legal office cooperating."""
    drive_to(decision, State.PUBLISHED, world.cast)
    services.start_execution(
        decision=decision,
        actor=world.gov,
        execution_unit=world.environment,
        report_cadence=cadence,
        cooperating_units=[world.legal] if cooperating is None else cooperating,
    )
    decision.refresh_from_db()
    return decision


def execution_step(decision) -> Step:
    return current_steps(decision)[StepKind.EXECUTION]


def with_indicators(world, decision):
    return services.set_indicators(decision=decision, actor=world.drafter_b, indicators=INDICATORS)


def all_values(indicators, *actuals) -> dict:
    return {indicator.pk: actual for indicator, actual in zip(indicators, actuals, strict=True)}


# ---------------------------------------------------------------- the execution unit and the cooperating units


def test_the_organ_names_the_execution_unit_and_its_cooperating_units(world, decision):
    executing(world, decision, cooperating=[world.legal, world.transport])
    execution = Execution.objects.get(step=execution_step(decision))
    assert execution.unit == world.environment
    assert set(execution.cooperating_units.all()) == {world.legal, world.transport}
    event = LedgerEvent.objects.filter(decision_id=decision.pk, action="decision.start_execution").latest("id")
    assert sorted(event.after["cooperating_units"]) == sorted([world.legal.name, world.transport.name])
    assert event.after["report_cadence"] == "monthly"


@pytest.mark.parametrize("which", ["itself", "another organ"])
def test_a_cooperating_unit_is_another_unit_of_the_same_organ(world, decision, which):
    drive_to(decision, State.PUBLISHED, world.cast)
    unit = world.environment if which == "itself" else world.other_dept
    with refused(
        "execution.cooperating_unit", decision, says="Cooperating units are other units of this decision organ"
    ) as caught:
        services.start_execution(
            decision=decision, actor=world.gov, execution_unit=world.environment, cooperating_units=[unit]
        )
    assert caught.value.fields == ("cooperating_units",)
    assert not Execution.objects.filter(step__decision=decision).exists()


def test_the_transition_page_takes_the_cooperating_units(client, world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    login(client, world.gov)
    url = reverse("manage:transition", args=[decision.pk, "start_execution"])
    page = client.get(url)
    assert 'name="cooperating_units"' in page.content.decode()
    refused_page = client.post(
        url, {"execution_unit": world.environment.pk, "cooperating_units": [world.environment.pk]}
    )
    assert refused_page.status_code == 400
    assert "Cooperating units are other units" in refused_page.content.decode()
    response = client.post(
        url,
        {"execution_unit": world.environment.pk, "report_cadence": "monthly", "cooperating_units": [world.legal.pk]},
    )
    assert response.status_code == 302
    execution = Execution.objects.get(step__decision=decision)
    assert list(execution.cooperating_units.all()) == [world.legal]


# ---------------------------------------------------------------- indicators


def test_the_execution_unit_sets_indicators_and_the_government_office_adds_one(world, decision):
    executing(world, decision)
    indicators = with_indicators(world, decision)
    assert [(i.order, i.name, i.unit, i.target) for i in indicators] == [
        (1, "公交分担率（%）", "%", 45),
        (2, "新增公交专用道（公里）", "公里", 30),
        (3, "乘客满意度（分）", "分", 90),
    ]
    assert indicators[2].baseline is None and indicators[0].baseline == 38
    event = LedgerEvent.objects.filter(action="execution.indicators_set").latest("id")
    assert event.decision_id == decision.pk and event.after["added"] == [item["name"] for item in INDICATORS]
    assert event.after["indicators"][0] == {
        "name": "公交分担率（%）",
        "unit": "%",
        "baseline": "38.0000",
        "target": "45.0000",
    }
    more = [*INDICATORS, {"name": "准点率（%）", "unit": "%", "target": "95.5"}]
    indicators = services.set_indicators(decision=decision, actor=world.gov, indicators=more)
    assert len(indicators) == 4
    events = LedgerEvent.objects.filter(action="execution.indicators_set").count()
    services.set_indicators(decision=decision, actor=world.gov, indicators=more)  # the same again: nothing changes
    assert LedgerEvent.objects.filter(action="execution.indicators_set").count() == events


def test_an_indicator_not_reported_on_may_change_or_go(world, decision):
    executing(world, decision)
    with_indicators(world, decision)
    changed = [{**INDICATORS[0], "target": "50"}, INDICATORS[2]]
    indicators = services.set_indicators(decision=decision, actor=world.drafter_b, indicators=changed)
    assert [(i.name, i.target, i.order) for i in indicators] == [
        ("公交分担率（%）", 50, 1),
        ("乘客满意度（分）", 90, 2),
    ]
    event = LedgerEvent.objects.filter(action="execution.indicators_set").latest("id")
    assert event.after["changed"] == ["公交分担率（%）"] and event.after["removed"] == ["新增公交专用道（公里）"]


BAD_INDICATORS = [
    ([{"name": " ", "target": 1}], "execution.indicator_name", "Give each indicator a name"),
    ([{"name": "x" * 201, "target": 1}], "execution.indicator_name", "at most 200 characters"),
    ([{"unit": "%", "target": 1}], "execution.indicator_name", "Give each indicator a name"),
    (["公交分担率"], "execution.indicator_name", "Give each indicator a name"),
    (
        [{"name": "公交分担率", "target": 1}, {"name": "公交分担率", "target": 2}],
        "execution.indicator_duplicate",
        "“公交分担率” is given twice",
    ),
    (
        [{"name": "公交分担率", "target": "很多"}],
        "execution.indicator_target",
        "Give the target of “公交分担率” as a number",
    ),
    ([{"name": "公交分担率"}], "execution.indicator_target", "as a number"),
    ([{"name": "公交分担率", "target": "1e20"}], "execution.indicator_target", "as a number"),
    ([{"name": "公交分担率", "target": "NaN"}], "execution.indicator_target", "as a number"),
    ([{"name": "公交分担率", "target": True}], "execution.indicator_target", "as a number"),
    (
        [{"name": "公交分担率", "target": 1, "baseline": "较低"}],
        "execution.indicator_baseline",
        "Give the baseline of “公交分担率” as a number, or leave it empty",
    ),
    ([{"name": "公交分担率", "target": 1, "unit": "%" * 51}], "execution.indicator_unit", "at most 50 characters"),
    ([{"name": f"指标{n}", "target": n} for n in range(21)], "execution.indicator_count", "at most 20 indicators"),
    ("公交分担率", "execution.indicator_count", "as a list"),
]


@pytest.mark.parametrize(("indicators", "code", "says"), BAD_INDICATORS)
def test_bad_indicators_are_refused_and_change_nothing(world, decision, indicators, code, says):
    executing(world, decision)
    with_indicators(world, decision)
    before = list(ExecutionIndicator.objects.values_list("name", "target"))
    with refused(code, decision, says=says) as caught:
        services.set_indicators(decision=decision, actor=world.drafter_b, indicators=indicators)
    assert caught.value.fields == ("indicators",)
    assert list(ExecutionIndicator.objects.values_list("name", "target")) == before


def test_an_indicator_reported_on_keeps_its_name_and_target(world, decision):
    executing(world, decision)
    indicators = with_indicators(world, decision)
    services.report_progress(
        decision=decision,
        actor=world.drafter_b,
        period="2026年12月",
        progress="进展顺利。",
        values=all_values(indicators, "40", "5", "85"),
    )
    with refused("execution.indicator_reported", decision, says="“新增公交专用道（公里）” has been reported on"):
        services.set_indicators(decision=decision, actor=world.drafter_b, indicators=[INDICATORS[0], INDICATORS[2]])
    renamed = [{**INDICATORS[0], "name": "公交出行分担率（%）"}, *INDICATORS[1:]]
    with refused("execution.indicator_reported", decision, says="cannot be removed or renamed"):
        services.set_indicators(decision=decision, actor=world.drafter_b, indicators=renamed)
    retargeted = [{**INDICATORS[0], "target": "50"}, *INDICATORS[1:]]
    with refused("execution.indicator_reported", decision, says="add a new indicator instead"):
        services.set_indicators(decision=decision, actor=world.drafter_b, indicators=retargeted)
    assert ExecutionIndicator.objects.get(name="公交分担率（%）").target == 45
    # Adding one is still possible: the next report gives it a value too.
    services.set_indicators(
        decision=decision, actor=world.drafter_b, indicators=[*INDICATORS, {"name": "准点率", "target": 95}]
    )
    assert ExecutionIndicator.objects.filter(step=execution_step(decision)).count() == 4


def test_who_sets_indicators_and_when(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    with refused("execution.not_running", decision, says="only while the decision is executed"):
        services.set_indicators(decision=decision, actor=world.gov, indicators=INDICATORS)
    services.start_execution(decision=decision, actor=world.gov, execution_unit=world.environment)
    with refused("permission.scope", decision):
        services.set_indicators(decision=decision, actor=world.outsider, indicators=INDICATORS)
    with refused("permission.role", decision):
        services.set_indicators(decision=decision, actor=world.legal_reviewer, indicators=INDICATORS)
    with refused("permission.role", decision):
        services.set_indicators(decision=decision, actor=world.supervisor, indicators=INDICATORS)
    assert not ExecutionIndicator.objects.exists()


# ---------------------------------------------------------------- progress reports


def test_a_report_with_its_period_problems_values_and_documents(world, decision):
    executing(world, decision)
    indicators = with_indicators(world, decision)
    step = execution_step(decision)
    due = step.due_on
    report = services.report_progress(
        decision=decision,
        actor=world.drafter_b,
        period="2026年第三季度",
        progress="新开通公交专用道12公里。",
        problems="部分路段施工影响通行，已调整施工时间。",
        values={str(indicators[0].pk): "41.5", indicators[1].pk: 12, indicators[2].pk: "86"},
        documents=[pdf_file("第三季度执行情况报告.pdf"), pdf_file("专用道验收记录.pdf")],
    )
    assert (report.period, report.problems, report.due_on, report.step) == (
        "2026年第三季度",
        "部分路段施工影响通行，已调整施工时间。",
        due,
        step,
    )
    assert {v.indicator_id: v.actual for v in report.values.all()} == {
        indicators[0].pk: 41.5,
        indicators[1].pk: 12,
        indicators[2].pk: 86,
    }
    documents = list(report.documents.order_by("pk"))
    assert [(d.kind, d.step_id, d.title) for d in documents] == [
        ("report", step.pk, "2026年第三季度：第三季度执行情况报告"),
        ("report", step.pk, "2026年第三季度：专用道验收记录"),
    ]
    event = LedgerEvent.objects.filter(action="execution.reported").latest("id")
    assert event.after["period"] == "2026年第三季度"
    assert event.after["values"] == {
        str(indicators[0].pk): "41.5000",
        str(indicators[1].pk): "12.0000",
        str(indicators[2].pk): "86.0000",
    }
    assert event.after["documents"] == [d.pk for d in documents]
    assert event.after["late"] is False and event.after["due_on"] == due.isoformat()


def test_report_execution_still_reports_text_only(world, decision):
    executing(world, decision)
    step = services.report_execution(decision=decision, actor=world.drafter_b, progress="已完成第一阶段。")
    assert step == execution_step(decision)
    assert ExecutionReport.objects.get().progress == "已完成第一阶段。"


def bad_report(world, indicators):
    """(keyword arguments, code, message, field) of each refused report."""
    ok = all_values(indicators, "40", "5", "85")
    return [
        ({"progress": "  "}, "execution.progress", "Write the progress report.", "progress"),
        ({"period": "季" * 51}, "execution.period", "at most 50 characters", "period"),
        (
            {"values": {indicators[0].pk: "40"}},
            "execution.indicator_values_missing",
            "missing: 新增公交专用道（公里）、乘客满意度（分）",
            "values",
        ),
        ({"values": {**ok, indicators[2].pk: ""}}, "execution.indicator_values_missing", "乘客满意度（分）", "values"),
        ({"values": {**ok, 999999: "1"}}, "execution.indicator_unknown", "No such indicator", "values"),
        (
            {"values": {**ok, indicators[1].pk: "十二"}},
            "execution.indicator_value",
            "Give the actual value of “新增公交专用道（公里）” as a number",
            "values",
        ),
        ({"values": ["40"]}, "execution.indicator_value", "as a number", "values"),
        (
            {"documents": [pdf_file(f"附件{n}.pdf") for n in range(11)]},
            "execution.documents",
            "at most 10 documents",
            "documents",
        ),
        (
            {"documents": [pdf_file("好.pdf"), SimpleUploadedFile("坏.exe", b"MZ\x90\x00")]},
            "upload.type",
            "is not an accepted document type",
            "documents",
        ),
        (
            {"documents": [SimpleUploadedFile("假.pdf", b"not a pdf at all")]},
            "upload.content",
            "is not a PDF file",
            "documents",
        ),
    ]


def test_bad_reports_are_refused_and_change_nothing(world, decision):
    executing(world, decision)
    indicators = with_indicators(world, decision)
    step = execution_step(decision)
    for arguments, code, says, field in bad_report(world, indicators):
        before = counts()
        report = {"period": "2026年12月", "progress": "进展。", "values": all_values(indicators, "40", "5", "85")}
        with refused(code, decision, says=says) as caught:
            services.report_progress(decision=decision, actor=world.drafter_b, **(report | arguments))
        assert caught.value.fields == (field,), code
        assert counts() == before
        assert Step.objects.get(pk=step.pk).due_on == step.due_on


def test_who_reports_and_when(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    with refused("execution.not_running", decision, says="only while the decision is executed"):
        services.report_progress(decision=decision, actor=world.drafter, period="x", progress="尚未执行。")
    services.start_execution(decision=decision, actor=world.gov, execution_unit=world.environment)
    for actor, code in [
        (world.outsider, "permission.scope"),
        (world.gov, "permission.role"),
        (world.legal_reviewer, "permission.role"),
        (world.evaluator, "permission.role"),
    ]:
        with refused(code, decision):
            services.report_progress(decision=decision, actor=actor, period="x", progress="越权报告。")
    assert not ExecutionReport.objects.exists()


# ---------------------------------------------------------------- cadence, late reports, reminders


def test_a_monthly_cadence_is_due_a_month_after_the_start_and_after_each_report(world, decision):
    executing(world, decision, cadence="monthly")
    step = execution_step(decision)
    today = timezone.localdate()
    assert step.due_on == months_period_end(today, 1).value
    # Started ten weeks ago: a month after the start has passed — the step is overdue.
    started = timezone.now() - timedelta(days=70)
    step.opened_at = started
    step.save()
    services.set_due_date(step, world.gov, "test: started earlier")
    step.refresh_from_db()
    first_due = months_period_end(timezone.localdate(started), 1).value
    assert step.due_on == first_due < today
    overview = services.execution_overview(decision)
    assert overview.overdue and overview.days_overdue == (today - first_due).days

    report = services.report_progress(decision=decision, actor=world.drafter_b, period="第一个月", progress="进展。")
    assert report.due_on == first_due and services.execution.is_late(report)
    assert LedgerEvent.objects.filter(action="execution.reported").latest("id").after["late"] is True
    step.refresh_from_db()
    assert step.due_on == months_period_end(today, 1).value  # a month after this report
    assert not services.execution_overview(decision).overdue

    on_time = services.report_progress(decision=decision, actor=world.drafter_b, period="第二个月", progress="进展。")
    assert on_time.due_on == months_period_end(today, 1).value and not services.execution.is_late(on_time)


def test_a_quarterly_cadence_is_due_three_months_on(world, decision):
    executing(world, decision, cadence="quarterly")
    assert execution_step(decision).due_on == months_period_end(timezone.localdate(), 3).value


def test_the_deadline_scan_reminds_the_execution_unit_before_and_after_the_due_date(world, decision):
    executing(world, decision)
    step = execution_step(decision)
    step.due_on = date(2026, 12, 4)  # a Friday
    step.save()
    scan_deadlines(today=date(2026, 12, 1))  # three working days before
    notice = Notice.objects.get(recipient=world.drafter_b)
    assert (notice.step_id, notice.threshold, notice.kind) == (step.pk, "before:3", "reminder")
    assert not Notice.objects.filter(recipient=world.drafter).exists()  # not the undertaking unit
    scan_deadlines(today=date(2026, 12, 7))  # the Monday after: overdue
    assert Notice.objects.filter(recipient=world.drafter_b, threshold="overdue:2026-12-07").exists()


def test_the_page_shows_the_step_overdue_in_red_with_its_days(client, world, decision):
    executing(world, decision)
    step = execution_step(decision)
    step.due_on = timezone.localdate() - timedelta(days=5)
    step.save()
    page = login(client, world.gov).get(reverse("manage:execution", args=[decision.pk]))
    html = page.content.decode()
    assert 'class="due due-overdue" id="overdue"' in html and "overdue by 5 days" in html


# ---------------------------------------------------------------- the page


def test_the_page_shows_units_indicators_chart_and_reports_newest_first(client, world, decision):
    executing(world, decision, cooperating=[world.legal])
    indicators = with_indicators(world, decision)
    services.report_progress(
        decision=decision,
        actor=world.drafter_b,
        period="2026年第三季度",
        progress="第一期。",
        problems="施工影响通行。",
        values=all_values(indicators, "40", "5", "85"),
        documents=[pdf_file("报告.pdf")],
    )
    services.report_progress(
        decision=decision,
        actor=world.drafter_b,
        period="2026年第四季度",
        progress="第二期。",
        values=all_values(indicators, "42.5", "12", "88"),
    )
    html = login(client, world.supervisor).get(reverse("manage:execution", args=[decision.pk])).content.decode()
    assert world.environment.name in html and world.legal.name in html and "Monthly" in html
    assert 'id="execution-chart"' in html and "js/execution_charts.js" in html and "chart.umd.min.js" in html
    assert '"labels": ["2026\\u5e74\\u7b2c\\u4e09\\u5b63\\u5ea6", "2026\\u5e74\\u7b2c\\u56db\\u5b63\\u5ea6"]' in html
    assert '"target": 45.0' in html and '"actual": [40.0, 42.5]' in html
    assert "<td>42.5</td>" in html and "<td>45</td>" in html  # the figures as a table too
    assert html.index("第二期。") < html.index("第一期。")  # newest first
    assert "施工影响通行。" in html and "2026年第三季度：报告" in html
    assert "Record progress report" not in html and "Save the indicators" not in html  # the supervisor reads only
    link = login(client, world.gov).get(reverse("manage:decision", args=[decision.pk])).content.decode()
    assert reverse("manage:execution", args=[decision.pk]) in link


def test_the_page_before_execution_says_it_has_not_started(client, world, decision):
    html = login(client, world.drafter).get(reverse("manage:execution", args=[decision.pk])).content.decode()
    assert "Execution has not started" in html


def test_reporting_and_setting_indicators_on_the_page(client, world, decision):
    executing(world, decision)
    login(client, world.drafter_b)
    url = reverse("manage:execution_indicators", args=[decision.pk])
    form = {"indicators-TOTAL_FORMS": "3", "indicators-INITIAL_FORMS": "0"}
    rows = {
        "indicators-0-name": "公交分担率（%）",
        "indicators-0-unit": "%",
        "indicators-0-target": "45",
        "indicators-0-baseline": "38",
        "indicators-1-name": "乘客满意度（分）",
        "indicators-1-target": "90",
    }
    refused_page = client.post(url, form | rows | {"indicators-1-target": "很高"})
    assert refused_page.status_code == 400 and "Give the target of “乘客满意度（分）” as a number" in (
        refused_page.content.decode()
    )
    assert not ExecutionIndicator.objects.exists()
    assert client.post(url, form | rows).status_code == 302
    indicators = list(ExecutionIndicator.objects.order_by("order"))
    assert [i.name for i in indicators] == ["公交分担率（%）", "乘客满意度（分）"]

    report_url = reverse("manage:execution_report_progress", args=[decision.pk])
    report = {"period": "2026年12月", "progress": "进展顺利。", "problems": "无。", f"value_{indicators[0].pk}": "40"}
    missing = client.post(report_url, report)
    assert missing.status_code == 400 and "missing: 乘客满意度（分）" in missing.content.decode()
    assert not ExecutionReport.objects.exists()
    response = client.post(
        report_url, report | {f"value_{indicators[1].pk}": "86", "documents": [pdf_file("a.pdf"), pdf_file("b.pdf")]}
    )
    assert response.status_code == 302
    saved = ExecutionReport.objects.get()
    assert saved.documents.count() == 2 and saved.values.count() == 2 and saved.problems == "无。"
    bad_file = client.post(
        report_url,
        report | {f"value_{indicators[1].pk}": "86", "documents": [SimpleUploadedFile("x.exe", b"MZ")]},
    )
    assert bad_file.status_code == 400 and "is not an accepted document type" in bad_file.content.decode()
    assert ExecutionReport.objects.count() == 1


def test_someone_who_may_not_report_is_refused(client, world, decision):
    executing(world, decision)
    login(client, world.legal_reviewer)
    response = client.post(
        reverse("manage:execution_report_progress", args=[decision.pk]), {"period": "x", "progress": "x"}
    )
    assert response.status_code == 403 and not ExecutionReport.objects.exists()
    response = client.post(reverse("manage:execution_indicators", args=[decision.pk]), {})
    assert response.status_code == 403 and not ExecutionIndicator.objects.exists()
    login(client, world.outsider)
    assert client.get(reverse("manage:execution", args=[decision.pk])).status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(client, world, decision, django_assert_max_num_queries):
    executing(world, decision)
    indicators = with_indicators(world, decision)
    for n in range(6):
        services.report_progress(
            decision=decision,
            actor=world.drafter_b,
            period=f"2026年{n + 1}月",
            progress=f"第{n + 1}期。",
            values=all_values(indicators, 40 + n, 5 * n, 85),
            documents=[pdf_file(f"报告{n}.pdf")],
        )
    login(client, world.drafter_b)
    url = reverse("manage:execution", args=[decision.pk])
    client.get(url)
    with django_assert_max_num_queries(20):  # 15 today, whatever the number of reports
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('class="report"') == 6


def test_the_demo_reports_with_indicators_periods_values_and_problems(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    Walkthrough(world.cast, today=date(2026, 11, 30)).report(decision, ["第一期进展。", "第二期进展。"])
    indicators = list(ExecutionIndicator.objects.filter(step=execution_step(decision)))
    assert [i.name for i in indicators][:1] == ["公交分担率（%）"] and len(indicators) == 3  # a transport decision
    reports = list(ExecutionReport.objects.order_by("id"))
    assert [r.period for r in reports] == ["2026年第三季度", "2026年第四季度"]
    assert all(r.problems and r.values.count() == 3 for r in reports)
    first = reports[0].values.get(indicator=indicators[0]).actual
    assert indicators[0].baseline < first < indicators[0].target
