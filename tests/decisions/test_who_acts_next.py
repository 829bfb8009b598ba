"""Who acts next: the decision page and the step page say who holds the action, on what and by when, instead of a bare
"your role does not allow this"; the drafter is told to revise after "lawful with changes"; optional steps are not
started until someone takes them up; a suspended decision says what may follow."""

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.procedure import Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps, my_tasks
from decisions.who_acts import standing, who_acts_next
from demo.walkthrough import drive_to, pdf_file, step_details, submit_unit_step, upload
from review import services as legality
from tests.factories import log_in_in_english as login
from workdays.calendar import working_days_between

pytestmark = pytest.mark.usefixtures("english")


def page(client, user, name, pk):
    login(client, user)
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def submit_party_report(world, decision):
    return submit_unit_step(decision, StepKind.PARTY_REPORT, world.drafter)


# ---------------------------------------------------------------- 1. who acts next, in place of the bare refusal


def test_decision_page_names_the_legal_office_and_the_days_left(client, world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    step = current_steps(decision)[StepKind.LEGALITY_REVIEW]
    days = working_days_between(timezone.localdate(), step.due_on)
    content = page(client, world.drafter, "manage:decision", decision.pk)
    assert (
        f"Waiting for 市司法局 (孙审查): Give the legality review opinion (due {step.due_on.isoformat()}, "
        f"{days} working days left)"
    ) in content
    assert "Your role does not allow this action." not in content
    actor = who_acts_next(decision, "give_legality_opinion")
    assert actor.people == ["孙审查"] and actor.working_days_left == days


def test_rule_refusals_stay_for_everyone(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    content = page(client, world.gov, "manage:decision", decision.pk)
    # Requesting the review is the unit's, but rule 1 stops it now: the rule is said, not who acts.
    assert "Rule 1: legality review can be requested only when every required pre-discussion step is done" in content
    assert "Waiting for the drafters of 市交通运输局 (张起草): Request legality review" not in content


def test_step_page_names_the_head_who_approves(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_party_report(world, decision)
    content = page(client, world.drafter, "manage:step", step.pk)
    assert "Waiting for the head of 市交通运输局 (李处长): Approve or return" in content
    content = page(client, world.head, "manage:step", step.pk)
    assert "Waiting for" not in content and "Approve" in content  # the head's own action: the form


def test_step_page_names_the_drafters_to_the_head(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    content = page(client, world.head, "manage:step", step.pk)
    assert "Waiting for the drafters of 市交通运输局 (张起草): Fill in and submit" in content
    assert "Your role does not allow this action." not in content


def test_the_decision_page_query_count_stays_flat(client, world, decision, django_assert_max_num_queries):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    login(client, world.drafter)
    client.get(reverse("manage:decision", args=[decision.pk]))
    with django_assert_max_num_queries(40):
        client.get(reverse("manage:decision", args=[decision.pk]))


# ---------------------------------------------------------------- 2. "lawful with changes": the drafter's task


def test_lawful_with_changes_gives_the_drafters_a_task_and_the_changes(client, world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    legality.give_legality_opinion(
        decision=decision,
        actor=world.legal_reviewer,
        opinion="lawful_with_changes",
        opinion_text="基本合法。",
        required_changes="删除第五条。",
    )
    labels = [(task.label, task.decision.pk) for task in my_tasks(world.drafter)]
    assert ("Revise the draft as the legality opinion asks", decision.pk) in labels
    assert not [task for task in my_tasks(world.drafter_b) if task.decision.pk == decision.pk]
    content = page(client, world.drafter, "manage:decision", decision.pk)
    assert 'id="changes-asked"' in content and "删除第五条。" in content
    assert "Upload the revised draft" in content
    assert "the drafters of 市交通运输局 (张起草): Revise the draft as the legality opinion asks" in content
    assert 'id="changes-asked"' not in page(client, world.gov, "manage:decision", decision.pk)

    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("r.pdf", "第五条已删除"),
        kind="draft",
        title="修改稿",
    )
    assert "Revise the draft as the legality opinion asks" not in [task.label for task in my_tasks(world.drafter)]
    assert str(standing(decision).next_actor).startswith("Waiting for 市司法局 (孙审查): Confirm the requested changes")


# ---------------------------------------------------------------- 3. the one-line standing


def test_the_standing_line_says_stage_holder_and_due_date(client, world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    due = current_steps(decision)[StepKind.LEGALITY_REVIEW].due_on
    content = page(client, world.supervisor, "manage:decision", decision.pk)
    line = content.split('id="standing"')[1].split("</p>")[0]
    assert "Legality review" in line and "市司法局 (孙审查): Give the legality review opinion" in line
    assert f"due {due.isoformat()}" in line
    assert content.index('id="standing"') < content.index('id="next"')


def test_the_standing_line_of_a_proposal_names_the_government_office(client, world, decision):
    content = page(client, world.drafter, "manage:decision", decision.pk)
    line = content.split('id="standing"')[1].split("</p>")[0]
    assert "Proposed" in line and "市政府办公室 (周秘书): Enter in the annual catalog" in line


# ---------------------------------------------------------------- 4. optional steps are not started until taken up


def test_optional_steps_stay_not_started_until_taken_up(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    steps = current_steps(decision)
    congress = steps[StepKind.CONGRESS_REPORT]  # optional: not on the congress list
    assert congress.requirement == Requirement.OPTIONAL and congress.status == StepStatus.PENDING
    assert all(
        step.status == StepStatus.OPEN
        for step in steps.values()
        if step.requirement == Requirement.REQUIRED and step.kind == StepKind.PUBLIC_PARTICIPATION
    )
    content = page(client, world.drafter, "manage:step", congress.pk)
    assert "Not yet open" in content and "Save" in content  # the drafter may take it up
    services.update_step_details(
        step=congress, actor=world.drafter, details=step_details(StepKind.CONGRESS_REPORT, timezone.localdate())
    )
    congress.refresh_from_db()
    assert congress.status == StepStatus.OPEN and congress.opened_at is not None
    upload(decision, world.drafter, "report", "向人大常委会的报告", step=congress)
    services.submit_step(step=congress, actor=world.drafter)
    congress.refresh_from_db()
    assert congress.status == StepStatus.SUBMITTED


def test_an_upload_opens_an_optional_step(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.CONGRESS_REPORT]
    assert (step.requirement, step.status) == (Requirement.OPTIONAL, StepStatus.PENDING)
    services.add_document(
        decision=decision, actor=world.drafter, uploaded_file=pdf_file("c.pdf"), kind="report", title="报告", step=step
    )
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN


def test_unused_optional_steps_are_set_aside(world, decision):
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    for kind in (StepKind.HEARING, StepKind.RISK_ASSESSMENT):
        step = current_steps(decision)[kind]
        if step.requirement != Requirement.REQUIRED:
            assert (step.requirement, step.status) == (Requirement.NOT_APPLICABLE, StepStatus.PENDING)


# ---------------------------------------------------------------- 5. a suspended decision: what may follow


def test_a_suspended_decision_says_an_adjustment_must_follow(client, world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.suspend_decision(decision=decision, actor=world.gov, reason="紧急情况。")  # opens adjustment 1
    line = page(client, world.drafter, "manage:decision", decision.pk).split('id="standing"')[1].split("</p>")[0]
    assert "adjustment 1: Drafting" in line
    assert "resumes when the adjustment concludes" in line

    services.abandon_adjustment(decision=decision, actor=world.gov, reason="另行研究。")
    content = page(client, world.drafter, "manage:decision", decision.pk)
    line = content.split('id="standing"')[1].split("</p>")[0]
    assert "Suspended" in line and "An adjustment must follow" in line
    assert "市政府办公室 (周秘书): Start the adjustment procedure" in line
