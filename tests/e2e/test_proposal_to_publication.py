"""In Debian chromium: one decision from proposal to publication, every move of the decision made on its own page
(the unit's steps are done through the walkthrough: their pages are walked in test_step_approval_flow; so is the
entry into the catalog, whose pages are walked in test_catalog_path)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from decisions.models import Decision
from decisions.procedure import UNIT_RUN_STEPS, State
from demo.walkthrough import complete_required_steps, pdf_file
from tests.e2e.test_step_approval_flow import log_in, log_out
from tests.factories import enter_in_catalog, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def do(page, base, decision, name, fields=None, selects=None, checks=()):
    """Open the transition's page, fill in its form as a person would, submit, and land on the decision."""
    page.goto(base + reverse("manage:transition", args=[decision.pk, name]))
    for box in checks:
        page.check(f"#id_{box}")
    for field, value in (fields or {}).items():
        page.fill(f"#id_{field}", value)
    for field, label in (selects or {}).items():
        page.select_option(f"#id_{field}", value=label)
    page.click("form button.primary")
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/$"))
    decision.refresh_from_db()
    return decision.status


def upload(page, base, decision, path, title, kind, public=False):
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
    assert decision.documents.filter(kind=kind, title=title).exists()


def test_a_decision_goes_from_proposal_to_publication_in_the_browser(live_server, page, tmp_path):
    world = make_world()
    base = live_server.url
    today = timezone.localdate().isoformat()

    log_in(page, base, "drafter")
    page.goto(base + reverse("manage:decision_create"))
    page.fill("#id_title", "关于优化城市公交线网的决定")
    page.select_option("#id_scope_category", "public_policy")
    page.click("form button.primary")
    page.wait_for_url(re.compile(r"/manage/decisions/\d+/$"))
    decision = Decision.objects.get(title="关于优化城市公交线网的决定")
    log_out(page)

    assert enter_in_catalog(world, decision).status == State.CATALOGED  # the organ's catalog published with it

    log_in(page, base, "drafter")
    assert do(page, base, decision, "start_drafting") == State.DRAFTING
    complete_required_steps(decision, world.cast, UNIT_RUN_STEPS)
    draft = tmp_path / "draft.pdf"
    draft.write_bytes(pdf_file("draft.pdf", "送审稿").read())
    upload(page, base, decision, draft, "决策草案（送审稿）", "draft")
    explanation = tmp_path / "explanation.pdf"  # Art. 26: the drafting explanation goes with the request
    explanation.write_bytes(pdf_file("explanation.pdf", "起草说明").read())
    upload(page, base, decision, explanation, "起草说明", "explanation")
    status = do(
        page,
        base,
        decision,
        "request_legality_review",
        {"legal_basis": "《重大行政决策程序暂行条例》", "procedure_statement": "已完成公众参与和请示报告。"},
    )
    assert status == State.LEGALITY_REVIEW
    log_out(page)

    log_in(page, base, "legal")
    status = do(
        page, base, decision, "give_legality_opinion", {"opinion_text": "经审查，合法。"}, {"opinion": "lawful"}
    )
    assert status == State.AWAITING_DISCUSSION
    log_out(page)

    log_in(page, base, "gov")
    fields = {
        "meeting_date": today,
        "members-0-name": "陈副市长",
        "members-1-name": "刘副市长",
        "members-2-name": "赵秘书长",
        "members-2-remarks": "建议延长过渡期。",
        "members_total": "5",
        "head_name": "王市长",
        "head_statement": "原则同意。",
    }
    views = {"outcome": "adopted", "members-0-view": "agree", "members-1-view": "agree", "members-2-view": "disagree"}
    assert do(page, base, decision, "record_collective_decision", fields, views) == State.DECIDED
    speakers = decision.steps.get(kind="collective_discussion").meeting.speakers.all()
    with translation.override("zh-hans"):  # this thread's language is whatever an earlier test left active
        shown = [str(speaker) for speaker in speakers]
    assert shown == [
        "陈副市长：同意",
        "刘副市长：同意",
        "赵秘书长：不同意",
    ]
    text = tmp_path / "decision.pdf"
    text.write_bytes(pdf_file("decision.pdf", "正式文本").read())
    upload(page, base, decision, text, "决策文本", "decision_text", public=True)
    fields = {"channels": "市政府门户网站", "published_on": today, "opinions_explanation": "公众意见的采纳情况见说明。"}
    assert do(page, base, decision, "publish", fields, checks=("media_3",)) == State.PUBLISHED  # new media

    page.goto(base + reverse("portal:decision", args=[decision.pk]))
    assert "关于优化城市公交线网的决定" in page.content()
