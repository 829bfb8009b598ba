"""In Debian chromium, the workspace's paths as people walk them: the drafter guided by the page alone after a
"lawful with changes" opinion, the supervisor's dashboard against the records, the administrators creating a user and
giving a role, and the error pages in Chinese in the site's layout."""

import re

import pytest
from django.conf import settings as django_settings
from django.db.models import CharField, Count
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation

from accountability.models import LedgerEvent
from accounts.models import User
from accounts.roles import Role
from decisions.models import Decision, Step
from decisions.procedure import Requirement, State, StepStatus
from demo.walkthrough import drive_to, pdf_file
from review import services as legality
from tests.e2e.test_step_approval_flow import log_in, log_out
from tests.factories import add_remaining_personas, make_decision, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _chinese_pages(live_server, page):
    """The browser asks for the site's own language (chromium's default would be English)."""
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}]
    )


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return str(translation.gettext(message))


# ---------------------------------------------------------------- 1. the drafter's path after "lawful with changes"


def test_the_drafter_revises_the_draft_guided_by_the_page_alone(live_server, page, tmp_path):
    world = make_world()
    base = live_server.url
    decision = drive_to(make_decision(world, title="关于调整出租车运价的决定"), State.LEGALITY_REVIEW, world.cast)
    legality.give_legality_opinion(
        decision=decision,
        actor=world.legal_reviewer,
        opinion="lawful_with_changes",
        opinion_text="基本合法。",
        required_changes="删除第五条关于处罚的规定。",
    )
    drafts_before = decision.documents.filter(kind="draft").count()

    log_in(page, base, "drafter")
    # The task on the home page leads to the review step; the step page leads to the decision.
    page.click(f"table.list a:text-is('{zh('Revise the draft as the legality opinion asks')}')")
    page.wait_for_url(re.compile(r"/manage/steps/\d+/$"))
    page.click(f"p.eyebrow a[href$='/manage/decisions/{decision.pk}/']")
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/$"))
    guidance = page.locator("#changes-asked")
    assert "删除第五条关于处罚的规定。" in guidance.inner_text()
    guidance.get_by_role("link", name=zh("Upload the revised draft")).click()
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/#documents$"))

    revised = tmp_path / "revised.pdf"
    revised.write_bytes(pdf_file("revised.pdf", "第五条已删除").read())
    form = f"form[action$='/decisions/{decision.pk}/documents/']"
    page.click(f"details:has({form}) > summary")
    page.set_input_files(f"{form} #id_file", str(revised))
    page.fill(f"{form} #id_title", "决策草案（修改稿）")
    page.select_option(f"{form} #id_kind", "draft")
    page.click(f"{form} button")
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/#documents$"))
    assert decision.documents.filter(kind="draft").count() == drafts_before + 1
    assert decision.documents.filter(kind="draft", title="决策草案（修改稿）").exists()
    assert zh("Confirm the requested changes were made") in page.locator("#standing").inner_text()
    log_out(page)

    log_in(page, base, "legal")
    page.click(f"table.list a:text-is('{zh('Confirm the changes')}')")
    page.wait_for_url(re.compile(r"/manage/steps/\d+/$"))
    page.click(f"p.eyebrow a[href$='/manage/decisions/{decision.pk}/']")
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/$"))
    page.locator("#next a.button.primary", has_text=zh("Confirm the requested changes were made")).click()
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/do/confirm_legality_changes/$"))
    page.fill("#id_comment", "已按意见修改。")
    page.click("form button.primary")
    page.wait_for_url(re.compile(rf"/manage/decisions/{decision.pk}/$"))
    decision.refresh_from_db()
    assert decision.procedure_state == State.AWAITING_DISCUSSION


# ---------------------------------------------------------------- 2. the supervisor's dashboard against the records


def test_the_supervisors_dashboard_shows_the_records_counts(live_server, page):
    world = make_world()
    base = live_server.url
    make_decision(world, title="拟议事项")
    make_decision(world, title="另一拟议事项")
    drive_to(make_decision(world, title="起草事项"), State.DRAFTING, world.cast)
    drive_to(make_decision(world, title="审查事项"), State.LEGALITY_REVIEW, world.cast)
    drive_to(make_decision(world, title="已决定事项"), State.DECIDED, world.cast)
    make_decision(world, drafter=world.outsider, title="邻市决定")  # another organ: never counted

    decisions = Decision.objects.filter(organ=world.city)
    expected = {
        zh(State(state).label): n
        for state, n in decisions.annotate(state=Coalesce("adjustment__stage", "status", output_field=CharField()))
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    }
    assert sum(expected.values()) == 5
    overdue = (
        Step.objects.filter(decision__organ=world.city, due_on__lt=timezone.localdate())
        .exclude(status__in=[StepStatus.DONE, StepStatus.CLOSED])
        .exclude(requirement=Requirement.NOT_APPLICABLE)
        .count()
    )
    decided = decisions.filter(status__in=[State.DECIDED]).count()

    log_in(page, base, "supervisor")
    board = page.locator("#dashboard")
    rows = board.locator("table.list").first.locator("tbody tr")
    shown = {}
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td, th")
        shown[cells.nth(0).inner_text().strip()] = int(cells.nth(1).inner_text().strip())
    assert shown.pop(zh("All")) == 5
    assert shown == expected

    overdue_heading = board.locator("h3", has_text=zh("Overdue steps")).inner_text()
    assert int(re.search(r"\((\d+)\)", overdue_heading).group(1)) == overdue
    coverage = board.locator("h3", has_text=zh("Legality-review coverage")).locator("xpath=following-sibling::p[1]")
    numbers = [int(n) for n in re.findall(r"\d+", coverage.inner_text())]
    assert numbers[:2] == [decided, decided]  # zh: "已决定的 total 件…有 covered 件…": all passed a lawful review
    assert "邻市决定" not in board.inner_text()


# ---------------------------------------------------------------- 3. the administrators: a new user and a role


def test_the_administrators_create_a_user_and_give_a_role(live_server, page):
    world = add_remaining_personas(make_world())
    base = live_server.url

    log_in(page, base, "sysadmin")
    page.click("#administration a[href$='/manage/people/']")
    page.wait_for_url(re.compile(r"/manage/people/$"))
    page.click(f"a.button.primary[href$='{reverse('manage:person_create')}']")
    page.fill("#id_username", "newcomer")
    page.select_option("#id_organization", str(world.transport.pk))
    page.fill("#id_display_name", "新同事")
    page.fill("#id_title", "科员")
    page.click("form button.primary")
    password = page.locator("#one-time-password").inner_text().strip()
    assert password
    person = User.objects.get(username="newcomer")
    assert person.organization == world.transport and person.check_password(password)
    log_out(page)

    log_in(page, base, "secadmin")
    page.click("#administration a[href$='/manage/people/']")
    page.wait_for_url(re.compile(r"/manage/people/$"))
    page.locator("tr", has_text="newcomer").locator(f"a[href$='/manage/people/{person.pk}/roles/']").click()
    page.select_option("#id_role", Role.DRAFTER.value)
    page.click("form button.primary")
    page.wait_for_url(re.compile(r"/manage/people/$"))

    person = User.objects.get(pk=person.pk)
    assert Role.DRAFTER.value in person.role_names
    for action in ("accounts.user_created", "accounts.one_time_password_issued", "accounts.role_assigned"):
        assert LedgerEvent.objects.filter(action=action, object_id=str(person.pk)).exists(), action
    assert password not in page.content()  # shown once only


# ---------------------------------------------------------------- 4. the error pages, in Chinese, in the site's style


def test_the_error_pages_are_the_sites_in_chinese(live_server, page, settings):
    settings.DEBUG = False
    world = add_remaining_personas(make_world())
    base = live_server.url

    log_in(page, base, "drafter")
    response = page.goto(base + "/manage/decisions/999999/")
    assert response.status == 404
    assert page.locator("#error-404 h1").inner_text().startswith("页面不存在")
    assert "此处没有内容" in page.locator("#error-404").inner_text()
    assert page.locator("header.topbar").count() == 1
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    response = page.goto(base + reverse("manage:person_roles", args=[world.drafter.pk]))
    assert response.status == 403
    assert page.locator("#error-403 h1").inner_text().startswith("禁止访问")
    assert "您无权打开此页面。" in page.locator("#error-403").inner_text()
    assert page.locator("header.topbar").count() == 1
    assert not User.objects.get(pk=world.drafter.pk).role_names - {Role.DRAFTER.value}
