"""Every transition the table offers can be done from its page: the page's own form fields, filled and posted as a
browser would, reach the service and move the decision to a target the transition declares."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.procedure import TRANSITIONS, State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to, upload_decision_text
from tests.decisions.test_rules import give_opinion, ready_for_review, request_review, upload_draft
from tests.factories import make_decision
from tests.refusals import status_of


class FormFields(HTMLParser):
    """The fields of the page's transition form: {name: [values offered]} ([] for free input)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.hidden: dict[str, str] = {}  # sent as the page has them (e.g. a formset's management form)
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "form"
            and (attrs.get("method") or "").lower() == "post"
            and "/do/" in (attrs.get("action") or "/do/")
        ):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") == "hidden" and name != "csrfmiddlewaretoken":
            self.hidden[name] = attrs.get("value") or ""
        elif tag in ("input", "textarea") and name and attrs.get("type") not in ("submit", "hidden"):
            self.fields[name] = []
        elif tag == "select" and name:
            self._select = name
            self.fields[name] = []
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form":
            self._in_form = False


def today_iso() -> str:
    return timezone.localdate().isoformat()


# What a person types into each field (select fields without an entry take their first option).
TYPED = {
    "reason": "理由见附件。",
    "legal_basis": "《重大行政决策程序暂行条例》",
    "procedure_statement": "已完成公众参与、专家论证和风险评估。",
    "review_working_days": "7",
    "opinion": "lawful",
    "opinion_text": "经审查，合法。",
    "comment": "已按意见修改。",
    "meeting_name": "市政府常务会议",
    "meeting_date": today_iso,
    # The members' views, a row each (the page offers more rows; the rest stay empty).
    "members-0-name": "陈副市长",
    "members-0-view": "agree",
    "members-1-name": "刘副市长",
    "members-1-view": "agree",
    "members-2-name": "赵秘书长",
    "members-2-view": "disagree",
    "members-2-remarks": "建议延长过渡期。",
    "members_total": "5",
    "head_name": "王市长",
    "head_statement": "原则同意。",
    "outcome": "adopted",
    "media": ["website"],
    "channels": "市政府门户网站",
    "document_number": "示政发〔2026〕1号",
    "issue_number": "2026年第1期",
    "published_on": today_iso,
    "link": "https://www.example.gov.cn/zwgk/1",
    "opinions_explanation": "公众和专家意见的采纳情况见起草说明。",
    "purpose": "change",
    "staged": "on",
    "stage_reason": "第一阶段",
    "trigger": "importance",
    "team": "郑评估（项目负责人）",
    "public_summary": "目标基本实现，继续执行。",
}
LEFT_EMPTY = {
    "urgency_reason",
    "legal_risk",
    "required_changes",
    "advisers_consulted",
    "head_departure_reason",
    "cooperating_units",  # the first unit offered is the execution unit chosen: it cannot also cooperate
}


def confirm_changes_ready(world, decision):
    ready_for_review(world, decision)
    request_review(world, decision)
    give_opinion(world, decision, opinion="lawful_with_changes", required_changes="删除第五条。")
    upload_draft(world, decision, "revised.pdf", text="第五条已删除")


def evaluating_with_report(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    walkthrough = Walkthrough(world.cast)
    walkthrough.start_evaluation(decision)
    step = current_steps(decision)[StepKind.POST_EVALUATION]
    walkthrough.upload(decision, "report", "评估报告", "report.pdf", actor=world.evaluator, step=step)
    from evaluation.services import submit_evaluation_report

    submit_evaluation_report(
        decision=decision,
        actor=world.evaluator,
        **dict.fromkeys(("implementation", "effects", "costs_benefits", "satisfaction", "problems"), "见报告。"),
        recommendations="继续执行。",
        conclusion="continue",
        summary="目标基本实现。",
    )


def adjusting(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.start_adjustment(decision=decision, actor=world.gov, purpose="change", reason="拟调整票价。")


def decided_with_text(world, decision):
    drive_to(decision, State.DECIDED, world.cast)
    upload_decision_text(decision, world.gov)


# transition → (who acts, how the decision is brought to a state the transition starts from)
SCENARIOS = {
    "withdraw": ("gov", lambda w, d: None),
    "start_drafting": ("drafter", lambda w, d: drive_to(d, State.CATALOGED, w.cast)),
    "request_legality_review": ("drafter", ready_for_review),
    "give_legality_opinion": ("legal_reviewer", lambda w, d: (ready_for_review(w, d), request_review(w, d))),
    "confirm_legality_changes": ("legal_reviewer", confirm_changes_ready),
    "record_collective_decision": ("gov", lambda w, d: drive_to(d, State.AWAITING_DISCUSSION, w.cast)),
    "publish": ("gov", decided_with_text),
    "start_execution": ("gov", lambda w, d: drive_to(d, State.PUBLISHED, w.cast)),
    "suspend": ("gov", lambda w, d: drive_to(d, State.IN_EXECUTION, w.cast)),
    "start_adjustment": ("gov", lambda w, d: drive_to(d, State.IN_EXECUTION, w.cast)),
    "start_evaluation": ("gov", lambda w, d: drive_to(d, State.IN_EXECUTION, w.cast)),
    "complete_evaluation": ("gov", evaluating_with_report),
    "archive": ("gov", lambda w, d: services.withdraw_decision(decision=d, actor=w.gov, reason="目录调整。")),
    "abandon_adjustment": ("gov", adjusting),
}


# "catalog" is made by the publication of the organ's catalog, never from its page (tests/catalog, test_views).
PAGE_TRANSITIONS = sorted(set(TRANSITIONS) - {"catalog"})


def test_every_transition_has_a_scenario():
    assert set(SCENARIOS) == set(PAGE_TRANSITIONS)


@pytest.mark.parametrize("name", PAGE_TRANSITIONS)
def test_every_transition_can_be_done_from_its_page(client, world, name):
    decision = make_decision(world, term_end=timezone.localdate() + timedelta(days=365))
    actor_name, prepare = SCENARIOS[name]
    prepare(world, decision)
    before = status_of(decision)
    actor = getattr(world, actor_name)
    client.force_login(actor)
    url = reverse("manage:transition", kwargs={"pk": decision.pk, "name": name})
    page = client.get(url)
    assert page.status_code == 200
    parser = FormFields()
    parser.feed(page.content.decode())
    assert parser.fields or name == "start_drafting", "the page shows its form"
    if name == "record_collective_decision":
        assert {"members-0-name", "members-0-view", "members-5-remarks"} <= set(parser.fields)  # a row per member
    data = dict(parser.hidden)
    for field, offered in parser.fields.items():
        if field in LEFT_EMPTY or (field.startswith("members-") and field not in TYPED):
            continue  # left empty, as a person leaves the rows they do not need
        typed = TYPED.get(field)
        value = typed() if callable(typed) else typed
        if value is None:
            assert offered, f"{name}: no value for the page's field {field!r}"
            value = offered[0]
        data[field] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = status_of(decision)
    assert after in TRANSITIONS[name].targets, (before, after)
