"""A home page per role (/manage/): the organ's dashboard for the supervisor and the audit administrator, the head's
approvals with approve / return right in the list, the government office's work lists."""

import datetime

import pytest
from django.urls import reverse

from accountability.models import LedgerEvent
from accounts.roles import Role
from decisions import services
from decisions.dashboard import organ_dashboard
from decisions.models import Step
from decisions.procedure import Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps
from demo.walkthrough import Walkthrough, drive_to, submit_unit_step
from tests.factories import add_remaining_personas, make_decision, make_user
from tests.factories import log_in_in_english as login

pytestmark = pytest.mark.usefixtures("english")

PARTICIPATION = StepKind.PUBLIC_PARTICIPATION


def city_of_decisions(world):
    """Decisions at several stages, one review period shortened, one step overdue, one set not applicable."""
    proposed = make_decision(world, title="拟议事项")
    drafting = drive_to(make_decision(world, title="起草事项"), State.DRAFTING, world.cast)
    expert = current_steps(drafting)[StepKind.EXPERT_REVIEW]
    services.propose_not_applicable(step=expert, actor=world.drafter, reason="不涉及专业技术问题。")
    urgent = drive_to(make_decision(world, title="紧急事项"), State.DRAFTING, world.cast)
    Walkthrough(world.cast).request_review(urgent, review_working_days=3, urgency_reason="汛期临近，需紧急出台。")
    decided = drive_to(make_decision(world, title="已决定事项"), State.DECIDED, world.cast)
    make_decision(world, drafter=world.outsider, title="邻市决定")  # another organ: never counted
    return {"proposed": proposed, "drafting": drafting, "urgent": urgent, "decided": decided, "expert": expert}


def test_the_organ_dashboard_figures_match_the_records(world):
    made = city_of_decisions(world)
    review = current_steps(made["urgent"])[StepKind.LEGALITY_REVIEW]
    today = review.due_on + datetime.timedelta(days=1)  # the shortened review is overdue then
    board = organ_dashboard(world.supervisor, today=today)
    counts = {state: count for state, _label, count in board.by_state}
    assert counts[State.PROPOSED] == 1
    assert counts[State.DRAFTING] == 1
    assert counts[State.LEGALITY_REVIEW] == 1
    assert counts[State.DECIDED] == 1
    assert board.total == 4  # the other city's decision is not the organ's

    expected_overdue = Step.objects.filter(decision__organ=world.city, due_on__lt=today).exclude(
        status__in=[StepStatus.DONE, StepStatus.CLOSED]
    )
    assert board.overdue_count == expected_overdue.count() >= 1
    assert review in board.overdue_steps

    assert [event.decision_id for event in board.shortened_reviews] == [made["urgent"].pk]
    assert board.shortened_reviews[0].reason == "汛期临近，需紧急出台。"
    assert board.shortened_rows[0][1] == made["urgent"]

    not_applicable = Step.objects.filter(decision__organ=world.city, requirement=Requirement.NOT_APPLICABLE)
    assert set(board.not_applicable_steps) == set(not_applicable)
    expert = next(step for step in board.not_applicable_steps if step.pk == made["expert"].pk)
    assert expert.not_applicable_reason == "不涉及专业技术问题。"

    # The decided decision passed legality review with a lawful opinion: 1 of 1.
    assert (board.decided_with_lawful_opinion, board.decided_total, board.coverage_percent) == (1, 1, 100)
    assert board.seal_status is None  # nothing sealed yet in this test's seal directory


@pytest.mark.parametrize("extra", [0, 3])
def test_the_dashboard_reads_in_a_constant_number_of_queries(world, extra, django_assert_max_num_queries):
    city_of_decisions(world)
    for number in range(extra):
        drive_to(make_decision(world, title=f"事项{number}"), State.DRAFTING, world.cast)
    supervisor = type(world.supervisor).objects.get(pk=world.supervisor.pk)
    # groups, the organization chain (organ), then seven reads
    with django_assert_max_num_queries(10):
        organ_dashboard(supervisor)


def test_supervisor_and_audit_admin_see_the_dashboard_on_their_home_page(client, world):
    add_remaining_personas(world)
    made = city_of_decisions(world)
    for person in (world.supervisor, world.audit_admin):
        login(client, person)
        response = client.get(reverse("manage:home"))
        assert response.status_code == 200
        assert response.context["role_home"].dashboard is not None
        page = response.content.decode()
        assert "Overdue steps" in page and "Shortened legality-review periods" in page
        assert "汛期临近，需紧急出台。" in page and "不涉及专业技术问题。" in page  # shortened, not applicable
        assert made["urgent"].title in page
        assert 'id="ledger-seal"' in page
    login(client, world.drafter)
    assert client.get(reverse("manage:home")).context["role_home"].dashboard is None


# ---------------------------------------------------------------- the head


def test_the_head_approves_from_the_list_one_ledger_event(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, PARTICIPATION, world.drafter)
    login(client, world.head)
    home = client.get(reverse("manage:home"))
    approvals = home.context["role_home"].approvals
    assert [(a.step.pk, a.own) for a in approvals] == [(step.pk, False)]
    assert reverse("manage:step_action", args=[step.pk, "approve"]) in home.content.decode()

    before = LedgerEvent.objects.count()
    response = client.post(
        reverse("manage:step_action", args=[step.pk, "approve"]), {"next": reverse("manage:home"), "comment": ""}
    )
    assert response.status_code == 302 and response["Location"] == reverse("manage:home")
    assert LedgerEvent.objects.count() == before + 1
    assert LedgerEvent.objects.order_by("-id").first().action == "step.approved"
    assert Step.objects.get(pk=step.pk).status == StepStatus.DONE
    assert client.get(reverse("manage:home")).context["role_home"].approvals == []


def test_the_head_returns_from_the_list_with_a_comment(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, PARTICIPATION, world.drafter)
    login(client, world.head)
    url = reverse("manage:step_action", args=[step.pk, "return"])
    before = LedgerEvent.objects.count()
    refused = client.post(url, {"next": reverse("manage:home"), "comment": ""}, follow=True)
    assert "needs a comment" in refused.content.decode()
    assert LedgerEvent.objects.count() == before
    response = client.post(url, {"next": reverse("manage:home"), "comment": "补充听证材料。"})
    assert response["Location"] == reverse("manage:home")
    event = LedgerEvent.objects.order_by("-id").first()
    assert (event.action, event.reason) == ("step.returned", "补充听证材料。")
    assert LedgerEvent.objects.count() == before + 1


def test_a_head_cannot_approve_their_own_submission_from_the_list(client, world, decision):
    both = make_user("both", world.transport, Role.DRAFTER, Role.DEPT_HEAD, name="钱双岗")
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, PARTICIPATION, both)
    login(client, both)
    home = client.get(reverse("manage:home"))
    assert [(a.step.pk, a.own) for a in home.context["role_home"].approvals] == [(step.pk, True)]
    assert reverse("manage:step_action", args=[step.pk, "approve"]) not in home.content.decode()
    before = LedgerEvent.objects.count()
    response = client.post(
        reverse("manage:step_action", args=[step.pk, "approve"]), {"next": reverse("manage:home")}, follow=True
    )
    assert "Two-person rule" in response.content.decode()
    assert LedgerEvent.objects.count() == before
    assert Step.objects.get(pk=step.pk).status == StepStatus.SUBMITTED


def test_next_is_only_ever_a_page_of_ours(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, PARTICIPATION, world.drafter)
    login(client, world.head)
    response = client.post(reverse("manage:step_action", args=[step.pk, "approve"]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("manage:step", args=[step.pk])


# ---------------------------------------------------------------- the government office


def test_the_government_office_sees_meetings_publications_and_catalog_work(client, world):
    proposed = make_decision(world, title="拟议事项")
    awaiting = drive_to(make_decision(world, title="待讨论事项"), State.AWAITING_DISCUSSION, world.cast)
    decided = drive_to(make_decision(world, title="待公布事项"), State.DECIDED, world.cast)
    drive_to(make_decision(world, title="起草事项"), State.DRAFTING, world.cast)
    login(client, world.gov)
    response = client.get(reverse("manage:home"))
    office = response.context["role_home"].office
    assert office.meetings == [awaiting]
    assert office.to_publish == [decided]
    assert office.to_catalog == [proposed]
    page = response.content.decode()
    assert "Meetings to prepare" in page and "待讨论事项" in page and "待公布事项" in page
    login(client, world.drafter)
    assert client.get(reverse("manage:home")).context["role_home"].office is None
