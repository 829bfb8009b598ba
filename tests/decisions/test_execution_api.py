"""Execution on the API (/api/v1/decisions/<pk>/execution/…): whoever sees the decision reads its execution; the
execution unit reports (JSON or multipart with documents); the execution unit or the government office sets the
indicators. Refusals answer with their code and status and change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import Document, ExecutionIndicator, ExecutionReport
from decisions.procedure import State
from demo.walkthrough import drive_to, pdf_file
from tests.factories import log_in_in_english

from .test_execution_reports import INDICATORS, all_values, counts, executing, with_indicators

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def api(user) -> Client:
    return log_in_in_english(Client(), user)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def urls(decision) -> tuple[str, str, str]:
    return (
        reverse("api:decision_execution", args=[decision.pk]),
        reverse("api:decision_execution_reports", args=[decision.pk]),
        reverse("api:decision_execution_indicators", args=[decision.pk]),
    )


def test_whoever_sees_the_decision_reads_its_execution(world, decision):
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
    read, _, _ = urls(decision)
    body = api(world.supervisor).get(read).json()
    assert body["decision"] == decision.pk
    assert body["execution_unit"] == {"id": world.environment.pk, "name": world.environment.name}
    assert body["cooperating_units"] == [{"id": world.legal.pk, "name": world.legal.name}]
    assert body["report_cadence"] == "monthly" and body["next_due"] and body["overdue"] is False
    assert [i["name"] for i in body["indicators"]] == [item["name"] for item in INDICATORS]
    assert body["indicators"][0]["target"] == "45.0000"
    [report] = body["reports"]
    assert (report["period"], report["problems"], report["late"]) == ("2026年第三季度", "施工影响通行。", False)
    assert report["values"][0] == {"indicator": indicators[0].pk, "actual": "40.0000"}
    assert report["documents"][0]["title"] == "2026年第三季度：报告"
    assert api(world.outsider).get(read).status_code == 404
    assert Client().get(read).status_code == 403


def test_before_execution_the_read_says_nothing_is_running(world, decision):
    body = api(world.drafter).get(urls(decision)[0]).json()
    assert (body["execution_unit"], body["next_due"], body["reports"], body["indicators"]) == (None, None, [], [])


def test_the_execution_unit_reports_as_json_and_as_multipart(world, decision):
    executing(world, decision)
    indicators = with_indicators(world, decision)
    _, report_url, _ = urls(decision)
    client = api(world.drafter_b)
    response = post(
        client,
        report_url,
        {
            "period": "2026年12月",
            "progress": "进展顺利。",
            "problems": "无。",
            "values": {str(i.pk): v for i, v in zip(indicators, [40, "5.5", 85], strict=True)},
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["reports"][0]["values"][1]["actual"] == "5.5000"
    multipart = {
        "period": "2027年1月",
        "progress": "继续推进。",
        "documents": [pdf_file("一月报告.pdf"), pdf_file("照片说明.pdf")],
        **{f"value_{i.pk}": v for i, v in zip(indicators, ["41", "8", "86"], strict=True)},
    }
    response = client.post(report_url, multipart)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [r["period"] for r in body["reports"]] == ["2027年1月", "2026年12月"]
    assert len(body["reports"][0]["documents"]) == 2
    assert Document.objects.filter(kind="report", step__kind="execution").count() == 2
    assert LedgerEvent.objects.filter(action="execution.reported").count() == 2


def test_refused_reports_answer_their_code_and_change_nothing(world, decision):
    executing(world, decision)
    indicators = with_indicators(world, decision)
    _, report_url, _ = urls(decision)
    client = api(world.drafter_b)
    ok = {"period": "2026年12月", "progress": "进展。", "values": all_values(indicators, "40", "5", "85")}
    ok["values"] = {str(key): value for key, value in ok["values"].items()}
    cases = [
        ({**ok, "progress": ""}, 400, "execution.progress", ["progress"]),
        ({**ok, "values": {str(indicators[0].pk): "40"}}, 400, "execution.indicator_values_missing", ["values"]),
        (
            {**ok, "values": {**ok["values"], str(indicators[0].pk): "四十"}},
            400,
            "execution.indicator_value",
            ["values"],
        ),
        ({**ok, "values": {**ok["values"], "999999": "1"}}, 400, "execution.indicator_unknown", ["values"]),
        ({**ok, "values": [1, 2, 3]}, 400, "input.invalid", ["values"]),
        ({**ok, "progress": ["x"]}, 400, "input.invalid", ["progress"]),
        ({**ok, "period": "\ud800"}, 400, "input.invalid", ["period"]),
    ]
    for data, status, code, missing in cases:
        before = counts()
        response = post(client, report_url, data)
        assert (response.status_code, response.json()["code"], response.json()["missing"]) == (status, code, missing)
        assert counts() == before
    before = counts()
    response = client.post(
        report_url,
        {
            "period": "x",
            "progress": "x",
            "documents": [SimpleUploadedFile("x.exe", b"MZ")],
            **{f"value_{i.pk}": "1" for i in indicators},
        },
    )
    assert (response.status_code, response.json()["code"], response.json()["missing"]) == (
        400,
        "upload.type",
        ["documents"],
    )
    assert counts() == before
    assert post(client, report_url, [1]).json()["code"] == "input.invalid"
    for user, status, code in [(world.gov, 403, "permission.role"), (world.supervisor, 403, "permission.role")]:
        response = post(api(user), report_url, ok)
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert post(api(world.outsider), report_url, ok).status_code == 404
    assert counts() == before


def test_reporting_before_execution_is_a_conflict(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    _, report_url, indicator_url = urls(decision)
    response = post(api(world.drafter), report_url, {"period": "x", "progress": "尚未执行。"})
    assert (response.status_code, response.json()["code"]) == (409, "execution.not_running")
    response = post(api(world.gov), indicator_url, {"indicators": INDICATORS})
    assert (response.status_code, response.json()["code"]) == (409, "execution.not_running")
    assert not ExecutionReport.objects.exists() and not ExecutionIndicator.objects.exists()


def test_indicators_are_set_by_the_unit_or_the_government_office(world, decision):
    executing(world, decision)
    _, report_url, indicator_url = urls(decision)
    response = post(api(world.gov), indicator_url, {"indicators": INDICATORS})
    assert response.status_code == 200, response.json()
    assert [i["name"] for i in response.json()["indicators"]] == [item["name"] for item in INDICATORS]
    indicators = list(ExecutionIndicator.objects.order_by("order"))
    assert (
        post(
            api(world.drafter_b),
            report_url,
            {
                "period": "x",
                "progress": "x",
                "values": {str(k): v for k, v in all_values(indicators, 1, 2, 3).items()},
            },
        ).status_code
        == 201
    )
    cases = [
        (world.drafter_b, {"indicators": INDICATORS[:2]}, 400, "execution.indicator_reported"),
        (world.drafter_b, {"indicators": [{"name": "a", "target": "x"}]}, 400, "execution.indicator_target"),
        (world.drafter_b, {"indicators": [{"name": "", "target": 1}]}, 400, "execution.indicator_name"),
        (world.drafter_b, {"indicators": "公交"}, 400, "input.invalid"),
        (world.drafter_b, [], 400, "input.invalid"),
        (world.legal_reviewer, {"indicators": INDICATORS}, 403, "permission.role"),
    ]
    for user, data, status, code in cases:
        before = list(ExecutionIndicator.objects.values_list("name", "target"))
        response = post(api(user), indicator_url, data)
        assert (response.status_code, response.json()["code"]) == (status, code)
        assert list(ExecutionIndicator.objects.values_list("name", "target")) == before
    assert post(api(world.outsider), indicator_url, {"indicators": INDICATORS}).status_code == 404


def test_the_transition_api_takes_cooperating_units_as_a_list_of_ids(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    url = reverse("api:decision_transition", args=[decision.pk, "start_execution"])
    client = api(world.gov)
    response = post(client, url, {"execution_unit": world.environment.pk, "cooperating_units": [world.environment.pk]})
    assert (response.status_code, response.json()["code"], response.json()["missing"]) == (
        400,
        "execution.cooperating_unit",
        ["cooperating_units"],
    )
    response = post(client, url, {"execution_unit": world.environment.pk, "cooperating_units": [world.other_dept.pk]})
    assert (response.status_code, response.json()["code"]) == (400, "input.invalid")
    response = post(
        client,
        url,
        {"execution_unit": world.environment.pk, "cooperating_units": [world.legal.pk, world.transport.pk]},
    )
    assert response.status_code == 200, response.json()
    read = api(world.gov).get(urls(decision)[0]).json()
    assert sorted(unit["id"] for unit in read["cooperating_units"]) == sorted([world.legal.pk, world.transport.pk])
