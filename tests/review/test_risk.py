"""The risk assessment in its workspace (Decree 713 Art. 22–24): who and how, the risks of the four dimensions, the
level the items suggest, the refusals, and a high uncontrollable finding still blocking the legality review."""

import pytest

from accountability.models import LedgerEvent
from decisions import services
from decisions.models import Document
from decisions.procedure import RiskFinding, State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from review import risk
from review.forms import RiskAssessmentForm
from review.models import RiskAssessment, RiskItem
from tests.decisions.test_rules import ready_for_review, request_review
from tests.factories import make_decision
from tests.refusals import refused

pytestmark = pytest.mark.usefixtures("english")

DIMENSIONS = [value for value, _label in RiskItem.Dimension.choices]


def risk_step(world):
    decision = make_decision(world, has_stability_risk=True)
    drive_to(decision, State.DRAFTING, world.cast)
    return current_steps(decision)[StepKind.RISK_ASSESSMENT]


def item(dimension="legality", likelihood="low", impact="low", **extra):
    return {
        "dimension": dimension,
        "description": extra.get("description", "部分群众出行成本增加。"),
        "likelihood": likelihood,
        "impact": impact,
        "measures": extra.get("measures", "过渡期优惠，分步实施。"),
    }


def assess_fully(world, step, *, grades=("low", "low")):
    risk.set_method(step=step, actor=world.drafter, assessor="unit", methods=["survey", "interviews"])
    for dimension in DIMENSIONS:
        risk.add_item(step=step, actor=world.drafter, **item(dimension, *grades))
    return RiskAssessment.objects.get(step=step)


def finish(world, step, *, measures="风险点、防范措施和处置预案。"):
    services.update_step_details(step=step, actor=world.drafter, details={"measures": measures})
    services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("risk.pdf"),
        kind=Document.Kind.REPORT,
        title="风险评估报告",
        step=step,
    )
    services.submit_step(step=step, actor=world.drafter)
    return services.approve_step(step=step, actor=world.head, comment="同意。")


# ---------------------------------------------------------------- the level


@pytest.mark.parametrize(
    ("grades", "level"),
    [
        ([("low", "low")], "low"),
        ([("low", "medium")], "low"),
        ([("high", "low")], "medium"),
        ([("medium", "medium")], "medium"),
        ([("low", "low"), ("high", "medium")], "high"),
        ([("high", "high")], "high"),
    ],
)
def test_the_suggested_level_is_the_highest_likelihood_times_impact(grades, level):
    items = [RiskItem(likelihood=likelihood, impact=impact) for likelihood, impact in grades]
    assert risk.suggested_level(items) == level
    assert risk.suggested_level([]) == ""


def test_items_are_kept_in_order_and_the_level_follows_them(world):
    step = risk_step(world)
    first = risk.add_item(step=step, actor=world.drafter, **item("legality"))
    assessment = RiskAssessment.objects.get(step=step)
    assert (first.order, assessment.risk_level) == (1, "low")
    second = risk.add_item(step=step, actor=world.drafter, **item("feasibility", "high", "high"))
    third = risk.add_item(step=step, actor=world.drafter, **item("reasonableness"))
    assessment.refresh_from_db()
    assert (second.order, third.order, assessment.risk_level) == (2, 3, "high")
    risk.remove_item(step=step, actor=world.drafter, item_id=second.pk)
    assert list(assessment.items.values_list("order", "dimension")) == [(1, "legality"), (2, "reasonableness")]
    # Removing the high risk does not lower the level by itself: the unit records a lower level with its reason.
    assessment.refresh_from_db()
    assert assessment.risk_level == "high"
    risk.change_item(step=step, actor=world.drafter, item_id=third.pk, **item("controllability", "medium", "medium"))
    third.refresh_from_db()
    assert (third.dimension, third.likelihood) == ("controllability", "medium")
    actions = list(LedgerEvent.objects.filter(decision_id=step.decision_id).values_list("action", flat=True))
    for action in ("risk.item_added", "risk.item_removed", "risk.item_changed"):
        assert action in actions


def test_a_level_higher_than_suggested_is_free_a_lower_one_needs_its_reason(world):
    step = risk_step(world)
    risk.add_item(step=step, actor=world.drafter, **item("legality", "high", "medium"))
    with refused("risk.level_below_suggestion", step.decision, says=("Art. 23", "High")):
        risk.set_level(step=step, actor=world.drafter, risk_level="medium", controllable=True)
    risk.set_level(step=step, actor=world.drafter, risk_level="medium", controllable=True, reason="措施已落实。")
    assessment = RiskAssessment.objects.get(step=step)
    assert (assessment.risk_level, assessment.controllable) == ("medium", True)
    event = LedgerEvent.objects.filter(action="risk.level_set").latest("id")
    assert event.reason == "措施已落实。"
    risk.set_level(step=step, actor=world.drafter, risk_level="high", controllable=False)
    assessment.refresh_from_db()
    assert assessment.blocks_the_decision


# ---------------------------------------------------------------- refusals: nothing changes


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"dimension": "beauty"}, "dimension"),
        ({"likelihood": "certain"}, "likelihood"),
        ({"impact": ""}, "impact"),
        ({"description": "  "}, "description"),
        ({"measures": ""}, "measures"),
    ],
)
def test_a_risk_needs_its_four_fields(world, values, field):
    step = risk_step(world)
    with refused("risk.item_incomplete", step.decision, says="Art. 23") as caught:
        risk.add_item(step=step, actor=world.drafter, **(item() | values))
    assert caught.value.fields == (field,)
    assert not RiskItem.objects.exists()


def test_who_and_how_are_checked(world):
    step = risk_step(world)
    with refused("risk.assessor", step.decision, says="Art. 23"):
        risk.set_method(step=step, actor=world.drafter, assessor="somebody", methods=["survey"])
    with refused("risk.methods", step.decision, says="Art. 23"):
        risk.set_method(step=step, actor=world.drafter, assessor="unit", methods=[])
    with refused("risk.methods", step.decision, says="Art. 23"):
        risk.set_method(step=step, actor=world.drafter, assessor="unit", methods=["astrology"])
    with refused("risk.assessing_org", step.decision, says="Art. 23"):
        risk.set_method(step=step, actor=world.drafter, assessor="third_party", methods=["survey"])
    with refused("risk.assessing_org", step.decision, says="Art. 23"):
        risk.set_method(
            step=step, actor=world.drafter, assessor="third_party", methods=["survey"], assessing_org=world.transport
        )
    assessment = risk.set_method(
        step=step,
        actor=world.drafter,
        assessor="third_party",
        methods=["survey", "public_opinion", "survey"],
        assessing_org=world.institute,
    )
    assert (assessment.methods, assessment.assessing_org) == (["survey", "public_opinion"], world.institute)


def test_only_the_unit_works_on_the_assessment(world):
    step = risk_step(world)
    for person in (world.head, world.legal_reviewer, world.gov):
        with refused("permission.role", step.decision):
            risk.add_item(step=step, actor=person, **item())
    assert not RiskItem.objects.exists()


def test_a_level_needs_items_and_a_known_level(world):
    step = risk_step(world)
    with refused("risk.no_items", step.decision, says="Art. 23"):
        risk.set_level(step=step, actor=world.drafter, risk_level="low", controllable=True)
    risk.add_item(step=step, actor=world.drafter, **item())
    with refused("risk.level", step.decision, says="Art. 24"):
        risk.set_level(step=step, actor=world.drafter, risk_level="extreme", controllable=True)


def test_an_item_of_another_assessment_is_not_found(world):
    step = risk_step(world)
    other = risk_step(world)
    foreign = risk.add_item(step=other, actor=world.drafter, **item())
    risk.add_item(step=step, actor=world.drafter, **item())
    with refused("risk.no_item", step.decision):
        risk.remove_item(step=step, actor=world.drafter, item_id=foreign.pk)
    assert RiskItem.objects.filter(pk=foreign.pk).exists()


def test_not_on_another_step_kind(world):
    step = risk_step(world)
    party = current_steps(step.decision)[StepKind.PARTY_REPORT]
    with refused("risk.wrong_step", step.decision, says="Art. 22"):
        risk.add_item(step=party, actor=world.drafter, **item())


# ---------------------------------------------------------------- the form and the submission


def test_the_form_asks_only_what_the_workspace_does_not(world):
    step = risk_step(world)
    assert set(RiskAssessmentForm(instance=RiskAssessment(step=step)).fields) == {
        "risk_level",
        "controllable",
        "assessing_org",
        "measures",
    }
    risk.add_item(step=step, actor=world.drafter, **item())
    assert set(RiskAssessmentForm(instance=RiskAssessment.objects.get(step=step)).fields) == {"measures"}


@pytest.mark.parametrize(
    ("prepare", "code", "says"),
    [
        (lambda w, s: risk.add_item(step=s, actor=w.drafter, **item()), "risk.assessor", "who"),
        (
            lambda w, s: (
                risk.set_method(step=s, actor=w.drafter, assessor="unit", methods=["survey"]),
                risk.add_item(step=s, actor=w.drafter, **item("legality")),
                risk.add_item(step=s, actor=w.drafter, **item("feasibility")),
            ),
            "risk.dimensions",
            ("Art. 23", "Reasonableness", "Controllability"),
        ),
    ],
)
def test_a_round_run_in_the_workspace_is_submitted_complete(world, prepare, code, says):
    step = risk_step(world)
    prepare(world, step)
    services.update_step_details(step=step, actor=world.drafter, details={"measures": "预案。"})
    services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("risk.pdf"),
        kind=Document.Kind.REPORT,
        title="风险评估报告",
        step=step,
    )
    with refused(code, step.decision, says=says):
        services.submit_step(step=step, actor=world.drafter)


def test_a_complete_round_is_submitted_with_its_finding(world):
    step = risk_step(world)
    assess_fully(world, step, grades=("medium", "medium"))
    risk.set_level(step=step, actor=world.drafter, risk_level="medium", controllable=True)
    done = finish(world, step)
    assert done.outcome == RiskFinding.ACCEPTABLE
    assessment = RiskAssessment.objects.get(step=step)
    assert (assessment.risk_level, assessment.measures) == ("medium", "风险点、防范措施和处置预案。")


def test_high_and_not_controllable_still_blocks_the_legality_review(world):
    step = risk_step(world)
    decision = step.decision
    assess_fully(world, step, grades=("high", "high"))
    assert RiskAssessment.objects.get(step=step).risk_level == "high"  # set by the items, not controllable
    done = finish(world, step)
    assert done.outcome == RiskFinding.BLOCKING
    ready_for_review(world, decision)
    with refused("rule1.risk_uncontrollable", decision, says=("Rule 1", "Art. 24")):
        request_review(world, decision)
