"""In Debian chromium, one decision from a closed consultation to `decided`, through the pages real users use: the
drafter draws an expert from the pool, the expert declares no conflict and signs an opinion, the drafter answers it;
the risk assessment (who and how, the four dimensions, the level); the fair-competition checklist and conclusion; the
draft sent for co-signing and answered "agree with changes" by the other department; the report to the party
committee with its document; each step submitted and approved by the head. Then the legality review (requested,
"lawful with required changes", the changes noted and a revised draft uploaded, confirmed) and the executive meeting
(planned, the decision on its agenda, the materials complete, three members' views with one dissent, the head last),
whose printable minutes keep the dissent.

Set-up (not this test's subject): the world, the decision driven into drafting, its public consultation done through
the walkthrough, the draft and its explanation uploaded, one expert in the organ's pool."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from decisions.models import AgendaItem, Document
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, pdf_file
from review import experts
from review.models import CoSigningRequest, ExpertAssignment, RequiredChange
from tests.e2e.test_step_approval_flow import log_in, log_out
from tests.factories import add_remaining_personas, make_decision, make_world
from workdays.calendar import add_working_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "示例市中心城区公共交通票价调整方案"
DRAFT_TITLE = "票价调整方案（送审稿）"
DISSENT = "建议延长过渡期，对低收入群体给予补贴。"
CHANGES = ("第五条增加老年人、残疾人乘车优惠的规定。", "第八条明确价格听证后的公布期限。")


@pytest.fixture(autouse=True)
def _chinese_pages(live_server, page):
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}]
    )


def zh(message) -> str:
    """A message (or a lazy label) as the Chinese pages show it."""
    with translation.override("zh-hans"):
        return str(translation.gettext(message) if isinstance(message, str) else message)


def post(page, selector: str) -> None:
    """Click a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.click(selector)


def attach(page, step, title: str) -> None:
    """The step's document, uploaded with the form on the step page."""
    form = page.locator(f"form[action$='/steps/{step.pk}/upload/']")
    form.locator("input[name=title]").fill(title)
    form.locator("input[type=file]").set_input_files(
        files=[{"name": f"{step.kind}.pdf", "mimeType": "application/pdf", "buffer": pdf_file("x", title).read()}]
    )
    post(page, f"form[action$='/steps/{step.pk}/upload/'] button")
    expect(page.locator("ul.documents")).to_contain_text(title)


def save_details(page, step) -> None:
    post(page, f"form[action$='/steps/{step.pk}/details/'] button")


def submit(page, step) -> None:
    post(page, f"form[action$='/steps/{step.pk}/submit/'] button")
    expect(page.locator("#step-status")).to_have_class(re.compile(r"status-submitted$"))


def test_a_decision_goes_from_review_to_decided_with_a_dissent(live_server, page):
    world = add_remaining_personas(make_world())
    decision = make_decision(
        world,
        title=TITLE,
        is_technical=True,
        has_stability_risk=True,
        affects_market_entities=True,
        touches_other_departments=True,
    )
    walk = Walkthrough(world.cast)
    walk.drive_to(decision, State.DRAFTING)
    walk.work_on_step(decision, StepKind.PUBLIC_PARTICIPATION)  # the consultation closed, its step done
    walk.upload_draft(decision, DRAFT_TITLE)
    walk.upload(decision, Document.Kind.EXPLANATION, "起草说明", "explanation.pdf")
    experts.add_expert(
        organ=decision.organ,
        actor=world.legal_reviewer,
        name="钱专家",
        fields="城市交通、公共政策",
        institution="示例大学公共政策研究院",
        title="教授",
        contact="qian.expert@example.cn",
        available=True,
        declared_interests="",
        user=world.expert,
    )
    steps = current_steps(decision)
    expert_step, risk_step, fair_step, cosign_step, party_step = (
        steps[kind]
        for kind in (
            StepKind.EXPERT_REVIEW,
            StepKind.RISK_ASSESSMENT,
            StepKind.FAIR_COMPETITION_REVIEW,
            StepKind.DEPARTMENT_CONSULTATION,
            StepKind.PARTY_REPORT,
        )
    )
    base = live_server.url
    today = timezone.localdate()

    # 1. Expert review: the drafter draws one expert of the field from the organ's pool.
    log_in(page, base, "drafter")
    page.goto(base + reverse("manage:step", args=[expert_step.pk]))
    post(page, f".workspace-link a[href$='{reverse('review:expert_workspace', args=[expert_step.pk])}']")
    page.fill("#id_field", "城市交通")
    page.fill("#id_number", "1")
    post(page, f"form[action$='/steps/{expert_step.pk}/draw/'] button.primary")
    assignment = ExpertAssignment.objects.get(step=expert_step)
    expect(page.locator(f"#assignment-{assignment.pk}")).to_contain_text("钱专家")
    log_out(page)

    # The expert declares no direct interest, reads the draft and signs the opinion.
    log_in(page, base, "expert")
    page.goto(base + reverse("review:expert_assignments"))
    post(page, f"a[href$='{reverse('review:expert_assignment', args=[assignment.pk])}']")
    page.check("input[name=declaration][value=no_conflict]")
    post(page, "#declaration button.primary")
    expect(page.locator("#materials")).to_contain_text(DRAFT_TITLE)
    page.select_option("#id_opinion", "agree_with_conditions")
    page.fill("#id_text", "方案总体可行，建议分阶段实施，并对低收入群体设置过渡期。")
    post(page, "#opinion button.primary")
    expect(page.locator("#opinion")).to_contain_text("SHA-256")
    log_out(page)

    # The drafter answers the opinion, fills in the step, attaches its report and submits it.
    log_in(page, base, "drafter")
    page.goto(base + reverse("review:expert_workspace", args=[expert_step.pk]))
    row = page.locator(f"#assignment-{assignment.pk}")
    row.locator("summary").click()
    page.select_option(f"#usage-{assignment.pk}", "partly_adopted")
    page.fill(f"#usage-reason-{assignment.pk}", "分阶段实施已采纳；过渡期另行研究。")
    post(page, f"form[action$='{reverse('review:expert_answer', args=[assignment.pk])}'] button")
    expect(row).to_contain_text(zh("Partly adopted"))
    page.goto(base + reverse("manage:step", args=[expert_step.pk]))
    page.fill("#id_opinion_summary", "专家认为方案总体可行，分阶段实施的建议已采纳。")
    save_details(page, expert_step)
    attach(page, expert_step, "专家论证意见采纳情况报告")
    submit(page, expert_step)

    # 2. Risk assessment in its workspace: who and how, a risk in each of the four dimensions, the level.
    page.goto(base + reverse("review:risk_workspace", args=[risk_step.pk]))
    page.check("input[name=assessor][value=unit]")
    page.check("input[name=methods][value=survey]")
    page.check("input[name=methods][value=interviews]")
    post(page, f"form[action$='/steps/{risk_step.pk}/method/'] button")
    risks = (
        ("legality", "调价程序须符合价格法和听证规定。", "low", "low"),
        ("reasonableness", "部分乘客出行成本增加。", "medium", "medium"),
        ("feasibility", "票务系统改造需要时间。", "low", "medium"),
        ("controllability", "未发现可能引发群体性事件的风险。", "low", "low"),
    )
    for dimension, description, likelihood, impact in risks:
        page.locator("#items details > summary").click()
        page.select_option("#id_dimension", dimension)
        page.fill("#id_description", description)
        page.select_option("#id_likelihood", likelihood)
        page.select_option("#id_impact", impact)
        page.fill("#id_measures", "分步实施，加强宣传解释，做好舆情监测。")
        post(page, f"form[action$='/steps/{risk_step.pk}/items/'] button")
    page.select_option("#id_risk_level", "medium")
    page.check("#id_controllable")
    post(page, f"form[action$='/steps/{risk_step.pk}/level/'] button")
    expect(page.locator("#recorded-level")).to_contain_text(zh("controllable"))
    expect(page.locator("#recorded-level")).not_to_contain_text(zh("not controllable"))
    expect(page.locator("#still-missing")).to_have_count(0)
    page.goto(base + reverse("manage:step", args=[risk_step.pk]))
    page.fill("#id_measures", "风险点：部分群众出行成本增加。措施：过渡期优惠、分步实施、舆情监测。")
    save_details(page, risk_step)
    attach(page, risk_step, "社会稳定风险评估报告")
    submit(page, risk_step)

    # 3. Fair-competition review: every question of the checklist answered, the conclusion recorded.
    page.goto(base + reverse("review:fair_competition_workspace", args=[fair_step.pk]))
    answers = page.locator(f"form[action$='/fair-competition/{fair_step.pk}/answers/'] input[type=radio][value=no]")
    questions = answers.count()
    for number in range(questions):
        answers.nth(number).check()
    post(page, f"form[action$='/fair-competition/{fair_step.pk}/answers/'] button.primary")
    expect(page.locator("#answered")).to_contain_text(f"{questions}")
    page.fill("#id_conclusion", "经审查，方案不含排除、限制竞争的内容。")
    post(page, f"form[action$='/fair-competition/{fair_step.pk}/conclusion/'] button.primary")
    expect(page.locator("#conclusion-text")).to_contain_text("不含排除、限制竞争")
    expect(page.locator("#still-missing")).to_have_count(0)
    page.goto(base + reverse("manage:step", args=[fair_step.pk]))
    attach(page, fair_step, "公平竞争审查表")
    submit(page, fair_step)

    # 4. Co-signing: the draft sent to the environment bureau with a deadline.
    due = add_working_days(today, 5).value
    page.goto(base + reverse("review:co_signing_workspace", args=[cosign_step.pk]))
    page.check(f"input[name=organizations][value='{world.environment.pk}']")
    page.fill("#id_due_on", due.isoformat())
    post(page, f"form[action$='/steps/{cosign_step.pk}/send/'] button.primary")
    request = CoSigningRequest.objects.get(step=cosign_step)
    expect(page.locator(f"#request-{request.pk}")).to_contain_text(world.environment.name)
    log_out(page)

    # The environment bureau answers "agree with changes" from its inbox.
    log_in(page, base, "head_b")
    page.goto(base + reverse("review:co_signing_inbox"))
    post(page, f"#request-{request.pk} a[href$='{reverse('review:co_signing_answer', args=[request.pk])}']")
    page.check("input[name=answer][value=agree_with_changes]")
    page.fill("#id_text", "建议在第六条增加新能源公交车优先通行的规定。")
    post(page, f"form[action$='{reverse('review:co_signing_answer', args=[request.pk])}'] button.primary")
    expect(page.locator(f"#inbox #request-{request.pk}")).to_contain_text(zh("Agree with changes"))
    log_out(page)

    # The drafter reads the answer and submits the step; then reports to the party committee (5).
    log_in(page, base, "drafter")
    page.goto(base + reverse("review:co_signing_workspace", args=[cosign_step.pk]))
    expect(page.locator(f"#request-{request.pk}")).to_contain_text("新能源公交车优先通行")
    page.goto(base + reverse("manage:step", args=[cosign_step.pk]))
    submit(page, cosign_step)
    page.goto(base + reverse("manage:step", args=[party_step.pk]))
    page.fill("#id_recipient", "中共示例市委常委会")
    page.fill("#id_reported_on", add_working_days(today, -4).value.isoformat())
    page.fill("#id_response_received_on", add_working_days(today, -1).value.isoformat())
    page.fill("#id_summary", "市委常委会原则同意，请按程序推进。")
    save_details(page, party_step)
    attach(page, party_step, "关于票价调整方案的请示")
    submit(page, party_step)
    log_out(page)

    # The head approves the five steps.
    log_in(page, base, "head")
    for step in (expert_step, risk_step, fair_step, cosign_step, party_step):
        page.goto(base + reverse("manage:step", args=[step.pk]))
        page.locator(f"form[action$='/steps/{step.pk}/approve/'] textarea[name=comment]").fill("同意。")
        post(page, f"form[action$='/steps/{step.pk}/approve/'] button.primary")
        expect(page.locator("#step-status")).to_have_class(re.compile(r"status-done$"))
    log_out(page)

    # 6. Legality review: the drafter requests it (every material present).
    log_in(page, base, "drafter")
    page.goto(base + reverse("manage:transition", args=[decision.pk, "request_legality_review"]))
    expect(page.locator(".refusal")).to_have_count(0)
    page.fill("#id_legal_basis", "《中华人民共和国价格法》；《重大行政决策程序暂行条例》")
    page.fill("#id_procedure_statement", "已完成公众参与、专家论证、风险评估、公平竞争审查和部门会签。")
    post(page, "form:has(#id_legal_basis) button.primary")
    expect(page.locator("#decision-status")).to_have_text(zh(State.LEGALITY_REVIEW.label))
    log_out(page)

    # The legal office finds the materials complete and gives "lawful with changes", listing them one by one.
    legality_step = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    workspace = base + reverse("review:legality_workspace", args=[legality_step.pk])
    log_in(page, base, "legal")
    page.goto(workspace)
    expect(page.locator("#materials")).not_to_contain_text(zh("Missing"))
    post(page, f"#review a[href$='{reverse('manage:transition', args=[decision.pk, 'give_legality_opinion'])}']")
    page.select_option("#id_opinion", "lawful_with_changes")
    page.fill("#id_opinion_text", "经审查，该方案符合法定权限和程序，修改后合法。")
    page.fill("#id_required_changes", "\n".join(CHANGES))
    page.fill("#id_advisers_consulted", "法律顾问王律师")
    post(page, "form:has(#id_opinion) button.primary")
    page.goto(workspace)
    expect(page.locator("#required-changes")).to_contain_text(CHANGES[0])
    post(page, f"form[action$='{reverse('review:legality_changes_list', args=[legality_step.pk])}'] button")
    changes = list(RequiredChange.objects.filter(review__step=legality_step).order_by("order"))
    assert [change.text for change in changes] == list(CHANGES)
    log_out(page)

    # The drafter says what was changed for each, and uploads the revised draft.
    log_in(page, base, "drafter")
    page.goto(workspace)
    for change in changes:
        # Every row's note field has the id "id_note": the row's own form is the selector (see the report).
        page.locator(f"#change-{change.pk} textarea[name=note]").fill(f"已按要求修改：{change.text}")
        post(page, f"#change-{change.pk} form button")
    expect(page.locator("#changes")).not_to_contain_text(zh("Not yet said"))
    page.goto(base + reverse("manage:decision", args=[decision.pk]))
    upload = page.locator(f"form[action$='{reverse('manage:document_upload', args=[decision.pk])}']")
    page.locator("details", has=upload).locator("summary").click()
    upload.locator("input[name=title]").fill("票价调整方案（修改稿）")
    upload.locator("select[name=kind]").select_option(Document.Kind.DRAFT)
    upload.locator("input[type=file]").set_input_files(
        files=[{"name": "draft-2.pdf", "mimeType": "application/pdf", "buffer": pdf_file("x", "修改稿").read()}]
    )
    post(page, f"form[action$='{reverse('manage:document_upload', args=[decision.pk])}'] button")
    expect(page.locator("ul.documents")).to_contain_text("票价调整方案（修改稿）")
    log_out(page)

    # The legal office confirms the changes: the decision awaits discussion.
    log_in(page, base, "legal")
    page.goto(base + reverse("manage:transition", args=[decision.pk, "confirm_legality_changes"]))
    page.fill("#id_comment", "修改已落实。")
    post(page, "form:has(#id_comment) button.primary")
    expect(page.locator("#decision-status")).to_have_text(zh("Awaiting collective discussion"))
    log_out(page)

    # 7. The government office plans the executive meeting and puts the decision on its agenda.
    log_in(page, base, "gov")
    page.goto(base + reverse("manage:meetings"))
    page.select_option("#id_kind", "executive")
    page.fill("#id_name", "市人民政府第12次常务会议")
    page.fill("#id_held_on", today.isoformat())
    page.fill("#id_members_total", "7")
    page.fill("#id_head_name", "王市长")
    page.fill("#id_attendance", "王市长\n陈副市长\n刘副市长\n赵秘书长")
    page.fill("#id_observers", "孙审查（市司法局）")
    post(page, f"form[action$='{reverse('manage:meeting_create')}'] button.primary")
    page.select_option("#agenda-decision", str(decision.pk))
    post(page, "#agenda-add button")
    item = AgendaItem.objects.get(decision=decision)
    card = page.locator(f"#item-{item.pk}")
    expect(card.locator(".material-ok").first).to_be_visible()
    expect(card.locator(".material-missing")).to_have_count(0)  # the materials pack is complete

    # The discussion: three members in order, one disagreeing with remarks, the head last; adopted.
    card.locator("details > summary").click()
    prefix = f"#id_item{item.pk}"
    members = (
        ("陈副市长", "agree", "同意承办单位意见。"),
        ("刘副市长", "agree", ""),
        ("赵秘书长", "disagree", DISSENT),
    )
    for number, (name, view, remarks) in enumerate(members):
        page.fill(f"{prefix}-members-{number}-name", name)
        page.select_option(f"{prefix}-members-{number}-view", view)
        page.fill(f"{prefix}-members-{number}-remarks", remarks)
    page.fill(f"{prefix}-head_statement", "原则同意，按会议意见修改后印发。")
    page.select_option(f"{prefix}-outcome", "adopted")
    post(page, f"form[action$='{reverse('manage:meeting_item_record', args=[item.pk])}'] button.primary")
    expect(card).to_contain_text(zh("Dissent kept in the record"))
    expect(card).to_contain_text(DISSENT)

    page.goto(base + reverse("manage:decision", args=[decision.pk]))
    expect(page.locator("#decision-status")).to_have_text(zh("Decided"))

    # The printable minutes keep the dissenting member's name and remarks.
    page.goto(base + reverse("manage:meeting_minutes", args=[item.session_id]))
    minutes = page.locator("article.minutes")
    speakers = minutes.locator("ol li")
    expect(speakers).to_have_count(3)
    expect(speakers.nth(2)).to_contain_text("赵秘书长")
    expect(speakers.nth(2)).to_contain_text(zh("disagree"))
    expect(speakers.nth(2)).to_contain_text(DISSENT)
    expect(minutes).to_contain_text(zh("Dissent kept in the record"))
    expect(minutes).to_contain_text("王市长")
