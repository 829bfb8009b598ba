"""Problems in a decision's execution reported by the public (Decree 713 Art. 35–36): receiving them with a receipt
number, answering and hiding them, the lookup by receipt and contact, the counts and the evaluation trigger; every
refusal with its code and message, changing nothing; nothing personal in the ledger."""

import pytest
from django.utils import timezone

from accountability.models import LedgerEvent
from decisions import receipts, services
from decisions.errors import ProcedureError
from decisions.models import ExecutionProblemReport, ProcedureProfile
from decisions.procedure import EVENT_LABELS, State
from decisions.receipts import RECEIPT_ALPHABET
from decisions.selectors import calls_for_evaluation, problem_report_counts
from decisions.services.problem_reports import ProblemReportError
from demo.walkthrough import drive_to
from participation import services as participation_services
from tests.factories import make_decision
from tests.refusals import refused

pytestmark = pytest.mark.django_db

CONTENT = "12路公交车高峰期间隔超过20分钟，与决定要求的10分钟不符。"


@pytest.fixture
def executed(world):
    return drive_to(make_decision(world, title="关于优化公交线网的决定"), State.IN_EXECUTION, world.cast)


def receive(decision, **values):
    data = {"name": "市民王女士", "contact": "13812345678", "content": CONTENT, "place": "人民路站"} | values
    return services.receive_problem_report(decision, **data, client_address="192.0.2.7")


def reports_state():
    return list(ExecutionProblemReport.objects.order_by("id").values())


@pytest.fixture
def report(executed):
    return receive(executed)


# ---------------------------------------------------------------- receipts


def test_the_receipt_helpers_moved_to_decisions_and_participation_still_offers_them():
    assert participation_services.new_receipt_number is receipts.new_receipt_number
    assert participation_services.save_with_receipt is receipts.save_with_receipt
    number = participation_services.new_receipt_number(2026, "YJ")
    assert number.startswith("YJ-2026-") and all(ch in RECEIPT_ALPHABET for ch in number[8:])


# ---------------------------------------------------------------- receiving


def test_a_report_on_a_decision_in_execution_gets_a_wt_receipt_and_a_ledger_event_without_personal_data(executed):
    report = receive(executed)
    year = timezone.localdate().year
    assert report.receipt_number.startswith(f"WT-{year}-") and len(report.receipt_number) == len(f"WT-{year}-") + 8
    assert (report.status, report.name, report.contact, report.place) == (
        "received",
        "市民王女士",
        "13812345678",
        "人民路站",
    )
    event = LedgerEvent.objects.get(action="problem_report.received")
    assert event.decision_id == executed.pk and event.after == {
        "receipt_number": report.receipt_number,
        "status": "received",
    }
    stored = str(LedgerEvent.objects.filter(decision_id=executed.pk).values())
    for personal in ("市民王女士", "13812345678", "12路公交车", "人民路站"):
        assert personal not in stored
    assert "problem_report.received" in EVENT_LABELS


def test_a_published_and_a_suspended_decision_take_reports(world):
    published = drive_to(make_decision(world, title="关于公布的决定"), State.PUBLISHED, world.cast)
    assert receive(published).decision_id == published.pk
    executed = drive_to(make_decision(world, title="关于暂停的决定"), State.IN_EXECUTION, world.cast)
    services.suspend_decision(decision=executed, actor=world.gov, reason="出现重大情况，暂停执行。")
    executed.refresh_from_db()
    assert executed.status == State.SUSPENDED
    assert receive(executed, contact="citizen@example.cn").status == "received"


def test_a_decision_not_published_or_lawfully_confidential_takes_no_report(world):
    drafting = drive_to(make_decision(world, title="起草中"), State.DRAFTING, world.cast)
    secret = make_decision(world, title="保密决定", is_confidential=True, confidential_reason="涉及国家秘密。")
    secret = drive_to(secret, State.IN_EXECUTION, world.cast)
    assert secret.is_lawfully_confidential
    for decision, state in ((drafting, "Drafting"), (secret, "In execution")):
        before = reports_state()
        with refused("problem_report.not_open", decision, says=("published decision in force", state)) as caught:
            receive(decision)
        assert caught.value.status == 409
        assert reports_state() == before


@pytest.mark.parametrize(
    ("values", "code", "field", "says"),
    [
        ({"contact": ""}, "problem_report.contact", "contact", "telephone number or an e-mail address"),
        ({"contact": "not a contact"}, "problem_report.contact", "contact", "telephone number or an e-mail address"),
        ({"contact": "1" * 101}, "problem_report.too_long", "contact", "At most 100 characters"),
        ({"content": "太短"}, "problem_report.content_length", "content", "5 to 5000 characters; this one has 2"),
        ({"content": "长" * 5001}, "problem_report.content_length", "content", "this one has 5001"),
        ({"name": "名" * 101}, "problem_report.too_long", "name", "At most 100 characters"),
        ({"place": "地" * 201}, "problem_report.too_long", "place", "At most 200 characters"),
        ({"content": "含有\x00字符的反映"}, "input.null_character", "content", "NUL character"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(executed, values, code, field, says):
    before = reports_state()
    with refused(code, executed, says=says) as caught:
        receive(executed, **values)
    assert caught.value.fields == (field,)
    assert reports_state() == before


def test_over_the_rate_limit_per_contact_is_refused_and_stores_nothing(executed, settings):
    settings.PROBLEM_REPORT_RATE_PER_CONTACT = 2
    receive(executed)
    receive(executed)
    before = reports_state()
    with refused("problem_report.rate_limited", executed, says="Too many reports") as caught:
        receive(executed)
    assert (caught.value.status, caught.value.wait) == (429, 3600)
    assert reports_state() == before
    assert receive(executed, contact="other@example.cn").status == "received"


# ---------------------------------------------------------------- the lookup


def test_the_receipt_with_the_right_contact_reads_the_report_and_nothing_else_does(report):
    number = report.receipt_number
    assert services.problem_report_by_receipt(number.lower(), " 138-1234-5678 ") == report
    assert services.problem_report_by_receipt(number, "13900000000") is None
    assert services.problem_report_by_receipt("WT-2026-AAAAAAAA", "13812345678") is None
    assert services.problem_report_by_receipt("", "") is None


# ---------------------------------------------------------------- answering and hiding


def test_the_government_office_answers_and_the_ledger_keeps_the_receipt_number_only(world, report):
    answered = services.answer_problem_report(report, world.gov, "已协调公交公司高峰期加密班次。")
    assert (answered.status, answered.answered_by, answered.answer) == (
        "answered",
        world.gov,
        "已协调公交公司高峰期加密班次。",
    )
    event = LedgerEvent.objects.get(action="problem_report.answered")
    assert event.role == "gov_office" and event.after["receipt_number"] == report.receipt_number
    assert "13812345678" not in str(event.after) and "加密班次" not in str(event.after)


def test_the_execution_units_drafter_and_head_answer_too(world, executed):
    first, second = receive(executed), receive(executed, contact="a@example.cn")
    assert services.answer_problem_report(first, world.drafter, "已转线路运营单位处理。").status == "answered"
    assert services.answer_problem_report(second, world.head, "已调整班次。").answered_by == world.head


@pytest.mark.parametrize(
    ("persona", "code", "says"),
    [
        ("legal_reviewer", "permission.role", "Your role does not allow this action"),
        ("supervisor", "permission.role", "Your role does not allow this action"),
        ("evaluator", "permission.role", "Your role does not allow this action"),
        ("drafter_b", "permission.scope", "another organization"),
        ("outsider", "permission.scope", "another organization"),
    ],
)
def test_others_may_not_answer_or_hide(world, report, persona, code, says):
    actor = getattr(world, persona)
    before = reports_state()
    with refused(code, report.decision, says=says) as caught:
        services.answer_problem_report(report, actor, "答复。")
    assert caught.value.status == 403
    with refused(code, report.decision, says=says):
        services.hide_problem_report(report, actor, "与执行无关。")
    with refused(code, report.decision, says=says):
        services.reveal_problem_report_contact(report, actor)
    assert reports_state() == before


def test_an_answer_needs_text_and_stands_once_given(world, report):
    before = reports_state()
    with refused("problem_report.answer", report.decision, says="Write the answer") as caught:
        services.answer_problem_report(report, world.gov, "   ")
    assert caught.value.fields == ("answer",)
    with refused("problem_report.too_long", report.decision, says="At most 5000 characters"):
        services.answer_problem_report(report, world.gov, "答" * 5001)
    assert reports_state() == before
    services.answer_problem_report(report, world.gov, "已处理。")
    before = reports_state()
    with refused("problem_report.not_received", report.decision, says="only a report received and not yet answered"):
        services.answer_problem_report(report, world.gov, "再次答复。")
    assert reports_state() == before


def test_hiding_needs_a_reason_hides_once_and_a_hidden_report_is_not_answered(world, report):
    before = reports_state()
    with refused("problem_report.hidden_reason", report.decision, says="Say why the report is hidden") as caught:
        services.hide_problem_report(report, world.drafter, "")
    assert caught.value.fields == ("reason",)
    assert reports_state() == before
    hidden = services.hide_problem_report(report, world.drafter, "广告信息，与决定执行无关。")
    assert (hidden.status, hidden.hidden_reason) == ("hidden", "广告信息，与决定执行无关。")
    assert LedgerEvent.objects.filter(action="problem_report.hidden", reason="广告信息，与决定执行无关。").exists()
    before = reports_state()
    with refused("problem_report.hidden", report.decision, says="already hidden"):
        services.hide_problem_report(report, world.drafter, "再次隐藏。")
    with refused("problem_report.not_received", report.decision, says="“Hidden (not a report on execution)”"):
        services.answer_problem_report(report, world.gov, "答复。")
    assert reports_state() == before


def test_revealing_the_contact_is_recorded_without_the_contact(world, report):
    assert services.reveal_problem_report_contact(report, world.head) == "13812345678"
    event = LedgerEvent.objects.get(action="problem_report.contact_revealed")
    assert event.after["receipt_number"] == report.receipt_number and "13812345678" not in str(event.after)


# ---------------------------------------------------------------- counts and the evaluation trigger


def test_counts_and_the_evaluation_trigger_follow_the_organs_threshold(world, executed):
    ProcedureProfile.objects.update_or_create(organ=world.city, defaults={"problem_reports_for_evaluation": 3})
    reports = [receive(executed, contact=f"1380000000{n}") for n in range(3)]
    services.answer_problem_report(reports[0], world.gov, "已处理。")
    services.hide_problem_report(reports[1], world.gov, "重复投诉。")
    counts = problem_report_counts(executed)
    assert (counts.received, counts.answered, counts.hidden, counts.total) == (1, 1, 1, 2)
    assert not calls_for_evaluation(executed)
    receive(executed, contact="13800000009")
    assert calls_for_evaluation(executed)


def test_the_default_threshold_is_ten(world, executed):
    assert ProcedureProfile.for_organ(world.city).problem_reports_for_evaluation == 10
    for n in range(9):
        receive(executed, contact=f"1390000000{n}")
    assert not calls_for_evaluation(executed)
    receive(executed, contact="13900000019")
    assert calls_for_evaluation(executed)


def test_a_refusal_is_a_procedure_error():
    assert issubclass(ProblemReportError, ProcedureError) and services.ProblemReportError is ProblemReportError


# ---------------------------------------------------------------- the demo


def test_the_demo_files_twelve_reports_answers_most_and_only_once(world):
    from demo.problem_reports import DECISION_TITLE, REPORTS, problem_reports

    decision = drive_to(make_decision(world, title=DECISION_TITLE), State.IN_EXECUTION, world.cast)
    assert problem_reports(world.city) == len(REPORTS) == 12
    counts = problem_report_counts(decision)
    assert (counts.answered, counts.received, counts.hidden) == (9, 2, 1)
    assert problem_reports(world.city) == 0 and problem_report_counts(decision) == counts
