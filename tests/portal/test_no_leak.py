"""No internal fact reaches the public: a decision full of internal data (review comments and opinions, the meeting's
speakers, staff names, drafts, contacts, why a step did not apply, a confidential decision beside it) is driven
through the real services, and every portal page and feed that shows it is searched for each internal string."""

import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import Document
from decisions.procedure import Requirement, State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, Wording
from notifications.models import Follow
from tests.factories import make_decision

WORDING = Wording(
    approval_comment="内部审批意见甲一",
    review_draft_title="内部送审稿乙二",
    lawful_opinion_text="内部合法性审查意见丙三",
    advisers_consulted="内部法律顾问丁四",
    head_name="内部主持人戊五",
    head_statement="内部会议讲话己六",
    confidentiality_comment="内部保密意见庚七",
    step_details={
        StepKind.EXPERT_REVIEW: {"experts": "内部专家名单辛八", "opinion_summary": "内部专家意见壬九"},
        StepKind.RISK_ASSESSMENT: {"measures": "内部风险措施癸十"},
        StepKind.DEPARTMENT_CONSULTATION: {"units_consulted": "内部部门意见子十一"},
    },
)
NOT_APPLICABLE_REASON = "内部不适用理由丑十二"
CONFIDENTIAL_TITLE = "内部保密决定寅十三"
CONFIDENTIAL_REASON = "内部保密依据卯十四"
CONTACT = "secret-follower@example.cn"
EVALUATION_SUMMARY = "公开的评估摘要：实施效果良好。"


@pytest.fixture
def full_decision(world):
    walk = Walkthrough(world.cast, WORDING)
    decision = make_decision(
        world,
        title="关于实施社区养老服务的决定",
        is_technical=True,
        has_stability_risk=True,
        touches_other_departments=True,
    )
    walk.drive_to(decision, State.DRAFTING)
    steps = current_steps(decision)
    step = next(
        s
        for kind, s in steps.items()
        if kind in (StepKind.FAIR_COMPETITION_REVIEW, StepKind.HEARING, StepKind.CONGRESS_REPORT)
        and s.requirement != Requirement.NOT_APPLICABLE
    )
    walk.propose_not_applicable(decision, step.kind, NOT_APPLICABLE_REASON)
    step.refresh_from_db()
    if step.requirement != Requirement.NOT_APPLICABLE:
        walk.confirm_not_applicable(decision, step.kind, comment="内部确认意见辰十五")
    walk.upload(decision, Document.Kind.DRAFT, "内部草稿巳十六", "draft.pdf")
    walk.drive_to(decision, State.IN_EXECUTION)
    walk.evaluate(decision, "continue", EVALUATION_SUMMARY)  # staged: its conclusion and summary are public
    Follow.objects.create(email=CONTACT, decision=decision, token="t" * 43)
    secret = make_decision(
        world, title=CONFIDENTIAL_TITLE, is_confidential=True, confidential_reason=CONFIDENTIAL_REASON
    )
    walk.drive_to(secret, State.IN_EXECUTION)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def listed_decision(world, full_decision):
    """A decision the published catalog lists, still in the procedure (its page shows its progress), its drafting
    full of internal data; the catalog approved at a meeting whose speakers are internal too."""
    walk = Walkthrough(world.cast, WORDING)
    decision = make_decision(world, title="关于建设养老驿站的决定", summary="公开的事项说明。", is_technical=True)
    walk.drive_to(decision, State.DRAFTING)
    walk.upload(decision, Document.Kind.DRAFT, "内部草稿巳十六", "draft.pdf")
    walk.drive_to(decision, State.LEGALITY_REVIEW)
    decision.refresh_from_db()
    return decision


def internal_strings(world) -> list[str]:
    staff = [world.drafter, world.head, world.legal_reviewer, world.gov, world.evaluator]
    return [
        "内部审批意见甲一",
        "内部送审稿乙二",
        "内部合法性审查意见丙三",
        "内部法律顾问丁四",
        "内部主持人戊五",
        "内部会议讲话己六",
        "内部专家名单辛八",
        "内部专家意见壬九",
        "内部风险措施癸十",
        "内部部门意见子十一",
        NOT_APPLICABLE_REASON,
        "内部确认意见辰十五",
        "内部草稿巳十六",
        CONFIDENTIAL_TITLE,
        CONFIDENTIAL_REASON,
        CONTACT,
        "陈副市长",  # the meeting's speakers (demo.walkthrough.meeting_members)
        "建议延长过渡期",
        *[person.display_name for person in staff],
        *[person.email for person in staff if person.email],
    ]


def public_urls(decision) -> list[str]:
    return [
        reverse("portal:home"),
        reverse("portal:search") + "?q=养老",
        reverse("portal:search"),
        reverse("portal:decision", args=[decision.pk]),
        reverse("portal:feed_rss"),
        reverse("portal:feed_atom"),
        reverse("portal:sitemap"),
        reverse("portal:open_data_json", args=[decision.year]),
        reverse("portal:open_data_csv", args=[decision.year]),
        reverse("api:open_decisions"),
        reverse("api:open_decision", args=[decision.pk]),
    ]


def catalog_urls(decision) -> list[str]:
    organ, year = decision.organ_id, decision.year
    return [
        reverse("portal:decision", args=[decision.pk]),
        reverse("portal:catalogs"),
        reverse("portal:catalog", args=[organ, year]),
        reverse("portal:catalog", args=[organ, year]) + "?q=养老",
        reverse("portal:catalog_versions", args=[organ, year]),
        reverse("portal:catalog_csv", args=[organ, year]),
        reverse("portal:feed_entries_rss"),
        reverse("portal:feed_entries_atom"),
        reverse("api:open_catalogs"),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_internal_string_on_a_listed_decisions_pages(listed_decision, world, language):
    assert listed_decision.status == State.LEGALITY_REVIEW
    strings = internal_strings(world)
    visitor = Client(HTTP_ACCEPT_LANGUAGE=language)
    for url in catalog_urls(listed_decision):
        response = visitor.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        if url.startswith("/api/"):
            import json

            body = json.dumps(response.json(), ensure_ascii=False)
        leaked = [text for text in strings if text in body]
        assert not leaked, f"{url} shows internal data: {leaked}"
    page = visitor.get(reverse("portal:decision", args=[listed_decision.pk])).content.decode()
    assert listed_decision.title in page and "公开的事项说明" in page
    assert reverse("portal:catalog", args=[listed_decision.organ_id, listed_decision.year]) in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_internal_string_on_any_public_page(full_decision, world, language):
    assert full_decision.status in (State.IN_EXECUTION, State.EVALUATING)
    strings = internal_strings(world)
    visitor = Client(HTTP_ACCEPT_LANGUAGE=language)
    for url in public_urls(full_decision):
        response = visitor.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        if "open/decisions" in url:
            import json

            body += json.dumps(response.json(), ensure_ascii=False)
        assert full_decision.title in body or "sitemap" in url, url
        leaked = [text for text in strings if text in body]
        assert not leaked, f"{url} shows internal data: {leaked}"


def test_the_timeline_shows_public_facts_of_the_procedure(client, full_decision):
    page = client.get(reverse("portal:decision", args=[full_decision.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    timeline = page.context["timeline"]
    kinds = {row["kind"]: row for row in timeline}
    assert kinds["Legality review"]["state"] == "done" and kinds["Legality review"]["done_on"]
    assert kinds["Publication"]["state"] == "done"
    assert any(row["state"] == "not_applicable" for row in timeline)
    assert "Not applicable" in body and "The procedure" in body
    assert set(timeline[0]) == {"kind", "round", "adjustment_round", "state", "opened_on", "done_on"}
    # The publication's explanation of how opinions were used is public.
    assert WORDING.opinions_explanation in body
    assert EVALUATION_SUMMARY in body and "Continue" in body  # the evaluation's summary, once completed
    documents = page.context["documents"]
    assert documents and all(doc.is_public for doc in documents)


def test_the_internal_data_is_really_there(full_decision):
    """The test above is not vacuous: the internal strings are stored on the decision shown."""
    from decisions.models import Step

    steps = Step.objects.filter(decision=full_decision)
    assert steps.filter(review_comment="内部审批意见甲一").exists()
    assert steps.filter(not_applicable_reason=NOT_APPLICABLE_REASON).exists()
    assert full_decision.documents.filter(title="内部草稿巳十六", is_public=False).exists()
    assert Follow.objects.filter(email=CONTACT, decision=full_decision).exists()
