"""Organization scoping and role limits: who sees and who may touch which decision."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from decisions import services
from decisions.permissions import Action, can
from decisions.procedure import TRANSITIONS, State, StepKind
from decisions.selectors import current_steps, visible_decisions
from demo.walkthrough import drive_to, pdf_file, step_details, submit_unit_step
from evaluation import services as evaluations
from review import services as legality
from tests.factories import make_decision, make_user
from tests.refusals import refused

PARTICIPATION = StepKind.PUBLIC_PARTICIPATION


@pytest.fixture
def decisions(world):
    """One decision of each department of the city, and one of the other city."""
    return {
        "transport": make_decision(world),
        "environment": make_decision(world, drafter=world.drafter_b, title="关于划定高污染燃料禁燃区的通告"),
        "other_city": make_decision(world, drafter=world.outsider, title="邻市公交票价调整"),
    }


def visible(user) -> set[int]:
    return set(visible_decisions(user).values_list("pk", flat=True))


def ids(decisions, *names) -> set[int]:
    return {decisions[name].pk for name in names}


# ---------------------------------------------------------------- who sees what


def test_unit_staff_see_only_their_units_decisions(world, decisions):
    assert visible(world.drafter) == visible(world.head) == ids(decisions, "transport")
    assert visible(world.drafter_b) == visible(world.head_b) == ids(decisions, "environment")
    assert visible(world.outsider) == ids(decisions, "other_city")


@pytest.mark.parametrize("persona", ["gov", "legal_reviewer", "supervisor"])
def test_organ_wide_roles_see_every_decision_of_their_city_only(world, decisions, persona):
    user = getattr(world, persona)
    assert visible(user) == ids(decisions, "transport", "environment")
    assert can(user, Action.VIEW_DECISION, decisions["transport"])
    assert can(user, Action.VIEW_DECISION, decisions["environment"])
    verdict = can(user, Action.VIEW_DECISION, decisions["other_city"])
    assert not verdict and verdict.code == "permission.scope"


def test_evaluator_sees_only_decisions_assigned_to_it(world, decisions):
    decision = decisions["transport"]
    assert visible(world.evaluator) == set()
    drive_to(decision, State.IN_EXECUTION, world.cast)
    evaluations.start_evaluation(
        decision=decision,
        actor=world.gov,
        evaluator_org=world.evaluator_body,
        trigger="importance",
        staged=True,
        stage_reason="第一阶段（实施满半年）",
    )
    assert visible(world.evaluator) == {decision.pk}


def test_anonymous_and_organizationless_users_see_nothing(world, decisions):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()
    assert visible(make_user("nobody", None, Role.DRAFTER)) == set()
    assert not can(AnonymousUser(), Action.VIEW_DECISION, decisions["transport"])


# ---------------------------------------------------------------- nobody touches another unit's decision


@pytest.mark.parametrize("persona", ["drafter_b", "outsider"])
def test_other_drafters_cannot_edit_the_decision(world, decision, persona):
    with refused("permission.scope", decision, says="another organization"):
        services.update_decision(decision=decision, actor=getattr(world, persona), title="改标题")


@pytest.mark.parametrize("persona", ["drafter_b", "outsider"])
def test_other_drafters_cannot_work_on_its_steps(world, decision, persona):
    actor = getattr(world, persona)
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    details = step_details(PARTICIPATION, timezone.localdate())
    with refused("permission.scope", decision, says="another organization"):
        services.update_step_details(step=step, actor=actor, details=details)
    services.update_step_details(step=step, actor=world.drafter, details=details)
    services.add_document(
        decision=decision,
        actor=world.drafter,
        uploaded_file=pdf_file("p.pdf"),
        kind="report",
        title="征求意见情况",
        step=step,
    )
    with refused("permission.scope", decision):
        services.submit_step(step=step, actor=actor)
    with refused("permission.scope", decision):
        services.propose_not_applicable(step=step, actor=actor, reason="不适用。")
    with refused("permission.scope", decision):
        services.start_drafting(decision=decision, actor=actor)


@pytest.mark.parametrize("persona", ["head_b", "head_of_other_city"])
def test_head_of_another_unit_cannot_approve(world, decision, persona):
    world.head_of_other_city = make_user("head_other", world.other_dept, Role.DEPT_HEAD)
    drive_to(decision, State.DRAFTING, world.cast)
    step = submit_unit_step(decision, PARTICIPATION, world.drafter)
    with refused("permission.scope", decision):
        services.approve_step(step=step, actor=getattr(world, persona))
    with refused("permission.scope", decision):
        services.return_step(step=step, actor=getattr(world, persona), comment="退回。")


def test_drafter_proposes_decisions_only_for_their_own_unit(world):
    with refused("permission.scope", says="your own unit"):
        make_decision(world, undertaking_unit=world.environment)


def test_legal_office_and_government_office_of_another_city_cannot_act(world, decision):
    legal_other = make_user("legal_other", world.other_city, Role.LEGAL_REVIEWER)
    gov_other = make_user("gov_other", world.other_city, Role.GOV_OFFICE)
    with refused("permission.scope", decision):
        services.catalog_decision(decision=decision, actor=gov_other)
    drive_to(decision, State.LEGALITY_REVIEW, world.cast)
    with refused("permission.scope", decision):
        legality.give_legality_opinion(decision=decision, actor=legal_other, opinion="lawful", opinion_text="合法。")


def test_execution_unit_staff_report_progress_on_a_decision_they_execute(world, decision):
    drive_to(decision, State.PUBLISHED, world.cast)
    assert decision.pk not in visible(world.drafter_b)
    services.start_execution(decision=decision, actor=world.gov, execution_unit=world.environment)
    assert decision.pk in visible(world.drafter_b)
    services.report_execution(decision=decision, actor=world.drafter_b, progress="已完成第一阶段。")
    with refused("permission.scope", decision):
        services.report_execution(decision=decision, actor=world.outsider, progress="越权报告。")


# ---------------------------------------------------------------- the supervisor reads all, changes nothing


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_supervisor_may_make_no_transition(world, decision, name):
    refusal = services.transition_refusal(decision, name, world.supervisor)
    assert refusal is not None and refusal.code == "permission.role"


def supervisor_attempts(world, decision, step):
    s, d = world.supervisor, decision
    today = timezone.localdate()
    return {
        "create": lambda: make_decision(world, drafter=s),
        "update": lambda: services.update_decision(decision=d, actor=s, title="改"),
        "catalog": lambda: services.catalog_decision(decision=d, actor=s),
        "withdraw": lambda: services.withdraw_decision(decision=d, actor=s, reason="撤回。"),
        "start_drafting": lambda: services.start_drafting(decision=d, actor=s),
        "request_review": lambda: legality.request_legality_review(
            decision=d, actor=s, legal_basis="x", procedure_statement="x"
        ),
        "opinion": lambda: legality.give_legality_opinion(decision=d, actor=s, opinion="lawful", opinion_text="x"),
        "confirm_changes": lambda: legality.confirm_legality_changes(decision=d, actor=s),
        "meeting": lambda: services.record_collective_decision(
            decision=d,
            actor=s,
            meeting_name="会",
            meeting_date=today,
            members=[{"name": "甲", "view": "agree"}],
            members_total=5,
            head_name="乙",
            head_statement="同意。",
            outcome="adopted",
        ),
        "publish": lambda: services.publish_decision(decision=d, actor=s, channels="网站", published_on=today),
        "start_execution": lambda: services.start_execution(decision=d, actor=s, execution_unit=world.transport),
        "report": lambda: services.report_execution(decision=d, actor=s, progress="x"),
        "suspend": lambda: services.suspend_decision(decision=d, actor=s, reason="x"),
        "adjust": lambda: services.start_adjustment(decision=d, actor=s, purpose="change", reason="x"),
        "evaluate": lambda: evaluations.start_evaluation(decision=d, actor=s, evaluator_org=world.evaluator_body),
        "complete_evaluation": lambda: evaluations.complete_evaluation(decision=d, actor=s, public_summary="x"),
        "archive": lambda: services.archive_decision(decision=d, actor=s, reason="x"),
        "step_details": lambda: services.update_step_details(step=step, actor=s, details={"channels": "x"}),
        "submit": lambda: services.submit_step(step=step, actor=s),
        "approve": lambda: services.approve_step(step=step, actor=s),
        "return": lambda: services.return_step(step=step, actor=s, comment="x"),
        "propose_na": lambda: services.propose_not_applicable(step=step, actor=s, reason="x"),
        "confirm_na": lambda: services.confirm_not_applicable(step=step, actor=s, confirm=True),
        "reopen": lambda: services.reopen_step(step=step, actor=s, reason="x"),
        "upload": lambda: services.add_document(
            decision=d, actor=s, uploaded_file=pdf_file("x.pdf"), kind="other", title="x"
        ),
    }


def test_supervisor_reads_but_every_change_is_refused(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[PARTICIPATION]
    assert can(world.supervisor, Action.VIEW_DECISION, decision)
    assert can(world.supervisor, Action.VIEW_LEDGER)
    # Permission is checked before state, so one drafting decision serves every attempt.
    for _name, attempt in supervisor_attempts(world, decision, step).items():
        with refused("permission.role", decision):
            attempt()


def test_execution_unit_may_view_and_report_but_not_run_the_undertaking_units_steps(world, decision):
    from decisions.permissions import Action, can
    from decisions.procedure import State
    from demo.walkthrough import drive_to

    drive_to(decision, State.PUBLISHED, world.cast)
    from decisions import services

    services.start_execution(decision=decision, actor=world.gov, execution_unit=world.environment)
    decision.refresh_from_db()
    assert can(world.drafter_b, Action.VIEW_DECISION, decision)
    assert can(world.drafter_b, Action.REPORT_EXECUTION, decision)
    for action in (Action.EDIT_DECISION, Action.WORK_ON_STEP, Action.REQUEST_LEGALITY_REVIEW):
        assert can(world.drafter_b, action, decision).code == "permission.scope"
    assert can(world.head_b, Action.APPROVE_STEP, decision).code == "permission.scope"
