"""The seam: step apps own their typed records and plug into the procedure through `decisions.registry`."""

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from decisions import registry, services
from decisions.permissions import Action, can
from decisions.procedure import UNIT_RUN_STEPS, RiskFinding, State, StepKind
from decisions.selectors import current_steps, record_rows, visible_decisions
from demo.walkthrough import drive_to, step_details
from participation.models import Consultation
from review.models import RiskAssessment
from tests.decisions.test_rules import high_risk, run_unit_step
from tests.factories import make_decision, make_user
from tests.refusals import refused

pytestmark = pytest.mark.usefixtures("english")

OWNERS = {
    StepKind.PUBLIC_PARTICIPATION: "participation",
    StepKind.HEARING: "participation",
    StepKind.EXPERT_REVIEW: "review",
    StepKind.RISK_ASSESSMENT: "review",
    StepKind.FAIR_COMPETITION_REVIEW: "review",
    StepKind.DEPARTMENT_CONSULTATION: "review",
    StepKind.PARTY_REPORT: "decisions",
    StepKind.CONGRESS_REPORT: "decisions",
}


def test_every_step_the_unit_runs_has_a_typed_record_owned_by_its_app():
    assert set(UNIT_RUN_STEPS) <= set(registry.owned_kinds())
    for kind, app_label in OWNERS.items():
        owner = registry.owner_of(kind)
        assert owner.record_model._meta.app_label == app_label, kind
        assert owner.form_class._meta.model is owner.record_model  # a ModelForm of the record


def test_a_record_is_a_row_of_its_own_with_organizations_as_foreign_keys(world):
    decision = make_decision(world, has_stability_risk=True)
    drive_to(decision, State.DRAFTING, world.cast)
    step = run_unit_step(
        world, decision, StepKind.RISK_ASSESSMENT, high_risk(controllable=True, assessing_org=world.institute)
    )
    assessment = RiskAssessment.objects.get(step=step)
    assert (assessment.risk_level, assessment.controllable, assessment.assessing_org) == ("high", True, world.institute)
    # What the procedure was told: the outcome its rules read, the draft assessed, the independent body.
    assert (step.outcome, step.assessed_by) == (RiskFinding.ACCEPTABLE, world.institute)
    assert ("Risk level", "High") in [(str(label), str(value)) for label, value in record_rows(step)]


def test_a_consultation_keeps_the_minimum_in_force_when_it_opened(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    consultation = Consultation.objects.get(step=current_steps(decision)[StepKind.PUBLIC_PARTICIPATION])
    assert consultation.minimum_comment_days == 30


def test_a_bad_value_is_refused_naming_its_field_and_nothing_is_saved(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.PARTY_REPORT]
    details = step_details(StepKind.PARTY_REPORT, timezone.localdate()) | {"reported_on": "not a date"}
    with refused("step.field_invalid", decision) as caught:
        services.update_step_details(step=step, actor=world.drafter, details=details)
    assert caught.value.fields == ("reported_on",)
    assert registry.record_of(step) is None


def test_the_step_page_shows_the_registered_form_and_saves_through_it(client, world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.RISK_ASSESSMENT]
    client.force_login(world.drafter)
    page = client.get(reverse("manage:step", args=[step.pk]))
    assert 'name="risk_level"' in page.content.decode() and 'name="assessing_org"' in page.content.decode()
    response = client.post(
        reverse("manage:step_action", args=[step.pk, "details"]),
        {"risk_level": "medium", "controllable": "on", "measures": "防范措施。", "assessing_org": world.institute.pk},
    )
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(step=step)
    assert (assessment.risk_level, assessment.controllable, assessment.assessing_org) == (
        "medium",
        True,
        world.institute,
    )


def test_a_body_outside_the_organ_cannot_be_named(world, decision):
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.EXPERT_REVIEW]
    details = step_details(StepKind.EXPERT_REVIEW, timezone.localdate()) | {"assessing_org": world.transport.pk}
    with refused("step.field_invalid", decision):
        services.update_step_details(step=step, actor=world.drafter, details=details)


@pytest.fixture
def expert_scope():
    """A scope as the expert pool will register it: here, decisions whose title names the expert's field."""

    def assigned(user):
        return Q(title__contains="交通")

    registry.register_scope(Role.EXPERT, assigned)
    yield assigned
    registry.unregister_scope(Role.EXPERT, assigned)


def test_a_scope_a_step_app_registers_is_all_an_expert_sees(world, expert_scope):
    expert = make_user("expert", world.institute, Role.EXPERT, name="钱专家")
    assigned = make_decision(world, title="关于调整交通票价的决定")
    other = make_decision(world, title="关于生态补偿的决定")
    assert list(visible_decisions(expert)) == [assigned]
    assert can(expert, Action.VIEW_DECISION, assigned)
    assert can(expert, Action.VIEW_DECISION, other).code == "permission.scope"
    assert not can(expert, Action.WORK_ON_STEP, assigned)


def test_without_a_registered_scope_an_expert_sees_nothing(world):
    expert = make_user("expert", world.institute, Role.EXPERT, name="钱专家")
    decision = make_decision(world, title="关于调整交通票价的决定")
    assert list(visible_decisions(expert)) == []
    assert not can(expert, Action.VIEW_DECISION, decision)


def test_publication_execution_and_each_progress_report_are_records_of_their_own(world, decision):
    drive_to(decision, State.IN_EXECUTION, world.cast)
    services.report_execution(decision=decision, actor=world.drafter, progress="第一季度：线网调整完成 60%。")
    services.report_execution(decision=decision, actor=world.drafter, progress="第二季度：全部完成。")
    steps = current_steps(decision)
    assert steps[StepKind.PUBLICATION].publication.channels
    assert steps[StepKind.EXECUTION].execution.unit == world.transport
    reports = list(steps[StepKind.EXECUTION].execution_reports.values_list("progress", "reported_by__username"))
    assert reports == [("第一季度：线网调整完成 60%。", "drafter"), ("第二季度：全部完成。", "drafter")]
