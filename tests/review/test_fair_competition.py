"""The fair-competition review (Decree 713 Art. 29): the national checklist answered question by question, a restriction
changed or kept under an exception with its term, the conclusion generated from the answers, and the refusals."""

import pytest

from decisions import services
from decisions.models import Document
from decisions.procedure import Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from review import checklist, fair_competition
from review.forms import FairCompetitionReviewForm
from review.models import FairCompetitionAnswer, FairCompetitionReview
from tests.factories import make_decision
from tests.refusals import refused

pytestmark = pytest.mark.usefixtures("english")

ALL_NO = dict.fromkeys(checklist.QUESTIONS, "no")


def fc_step(world):
    decision = make_decision(world, affects_market_entities=True)
    drive_to(decision, State.DRAFTING, world.cast)
    step = current_steps(decision)[StepKind.FAIR_COMPETITION_REVIEW]
    assert step.requirement == Requirement.REQUIRED  # the decision's flag makes the review required
    return step


def attach(world, step):
    services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("fc.pdf"),
        kind=Document.Kind.REPORT,
        title="公平竞争审查表",
        step=step,
    )


def answer(world, step, answers):
    return fair_competition.answer_questions(step=step, actor=world.drafter, answers=answers)


def test_the_checklist_has_four_groups_of_stable_codes():
    assert [group.code for group in checklist.GROUPS] == ["entry", "flow", "cost", "conduct"]
    assert len(checklist.QUESTIONS) == 18
    assert all(code.split(".")[0] == checklist.GROUP_OF[code].code for code in checklist.QUESTIONS)
    assert {e.code for e in checklist.EXCEPTIONS} == {
        "national_security",
        "social_security",
        "public_interest",
        "other_law",
    }


def test_answers_are_kept_and_replaced(world):
    step = fc_step(world)
    answer(world, step, {"entry.1": "no", "entry.2": {"answer": "not_relevant", "note": "不涉及特许经营。"}})
    review = FairCompetitionReview.objects.get(step=step)
    assert dict(review.answers.values_list("question", "answer")) == {"entry.1": "no", "entry.2": "not_relevant"}
    answer(world, step, {"entry.1": "yes"})
    assert review.answers.get(question="entry.1").answer == "yes"
    assert review.answers.count() == 2


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({}, "fair_competition.no_answers"),
        ({"entry.9": "no"}, "fair_competition.unknown_question"),
        ({"entry.1": "maybe"}, "fair_competition.answer"),
        ({"entry.1": "no", "entry.2": {"answer": "no", "note": "长" * 2001}}, "fair_competition.too_long"),
    ],
)
def test_bad_answers_change_nothing(world, answers, code):
    step = fc_step(world)
    with refused(code, step.decision):
        answer(world, step, answers)
    assert not FairCompetitionAnswer.objects.exists()


def test_only_the_unit_answers(world):
    step = fc_step(world)
    with refused("permission.role", step.decision):
        fair_competition.answer_questions(step=step, actor=world.legal_reviewer, answers=ALL_NO)


def test_submission_needs_every_question_answered_naming_the_groups(world):
    step = fc_step(world)
    answer(world, step, {code: "no" for code in checklist.QUESTIONS if not code.startswith(("flow", "conduct"))})
    fair_competition.set_conclusion(step=step, actor=world.drafter, conclusion="经审查，无限制竞争内容。")
    attach(world, step)
    with refused(
        "fair_competition.unanswered",
        step.decision,
        says=("Art. 29", "Free flow of goods and factors", "Business conduct"),
    ) as caught:
        services.submit_step(step=step, actor=world.drafter)
    assert "Market entry" not in str(caught.value.message)


def test_the_form_path_alone_cannot_skip_the_checklist(world):
    step = fc_step(world)
    services.update_step_details(step=step, actor=world.drafter, details={"conclusion": "经审查，无限制竞争内容。"})
    attach(world, step)
    with refused("fair_competition.unanswered", step.decision, says="Market entry and exit"):
        services.submit_step(step=step, actor=world.drafter)
    answer(world, step, ALL_NO)
    assert not FairCompetitionReviewForm(instance=FairCompetitionReview.objects.get(step=step)).fields
    assert services.submit_step(step=step, actor=world.drafter).status == StepStatus.SUBMITTED


def test_a_checklist_answered_without_its_conclusion_is_not_submitted(world):
    step = fc_step(world)
    answer(world, step, ALL_NO)
    attach(world, step)
    with refused("fair_competition.no_conclusion", step.decision, says=("Art. 29", "conclusion")):
        services.submit_step(step=step, actor=world.drafter)
    fair_competition.set_conclusion(step=step, actor=world.drafter, generate=True)
    assert services.submit_step(step=step, actor=world.drafter).status == StepStatus.SUBMITTED


def test_a_restriction_is_changed_or_kept_under_an_exception_with_its_term(world):
    step = fc_step(world)
    answer(world, step, ALL_NO | {"cost.1": "yes"})
    fair_competition.set_conclusion(step=step, actor=world.drafter, generate=True)
    review = FairCompetitionReview.objects.get(step=step)
    assert "cost.1" in review.conclusion and "may not be issued" in review.conclusion
    attach(world, step)
    with refused("fair_competition.restriction", step.decision, says=("Art. 29", "cost.1")):
        services.submit_step(step=step, actor=world.drafter)
    # Kept: only under a known exception, with a term.
    with refused("fair_competition.exception", step.decision, says="Art. 29"):
        fair_competition.set_restriction(
            step=step, actor=world.drafter, restriction_kept=True, exception="convenience", exception_term="三年"
        )
    with refused("fair_competition.exception_term", step.decision, says="Art. 29"):
        fair_competition.set_restriction(
            step=step, actor=world.drafter, restriction_kept=True, exception="public_interest", exception_term=" "
        )
    fair_competition.set_restriction(
        step=step, actor=world.drafter, restriction_kept=True, exception="public_interest", exception_term="三年"
    )
    fair_competition.set_conclusion(step=step, actor=world.drafter, generate=True)
    review.refresh_from_db()
    assert "three" not in review.conclusion and "三年" in review.conclusion
    assert services.submit_step(step=step, actor=world.drafter).status == StepStatus.SUBMITTED


def test_changing_the_draft_settles_the_restriction(world):
    step = fc_step(world)
    answer(world, step, ALL_NO | {"flow.3": "yes"})
    fair_competition.set_restriction(
        step=step, actor=world.drafter, restriction_kept=True, exception="social_security", exception_term="至2027年底"
    )
    answer(world, step, {"flow.3": "no"})  # the draft was changed
    review = FairCompetitionReview.objects.get(step=step)
    assert (review.restriction_kept, review.exception, review.exception_term) == (False, "", "")
    fair_competition.set_conclusion(step=step, actor=world.drafter, generate=True)
    review.refresh_from_db()
    assert "nothing that excludes or restricts competition" in review.conclusion


def test_nothing_to_keep_without_a_restriction(world):
    step = fc_step(world)
    answer(world, step, ALL_NO)
    with refused("fair_competition.nothing_restricted", step.decision, says="Art. 29"):
        fair_competition.set_restriction(
            step=step, actor=world.drafter, restriction_kept=True, exception="public_interest", exception_term="一年"
        )


def test_the_conclusion_is_generated_only_from_a_complete_checklist_and_is_editable(world):
    step = fc_step(world)
    answer(world, step, {"entry.1": "no"})
    with refused("fair_competition.unanswered", step.decision, says="Art. 29"):
        fair_competition.set_conclusion(step=step, actor=world.drafter, generate=True)
    with refused("fair_competition.conclusion", step.decision, says="Art. 29"):
        fair_competition.set_conclusion(step=step, actor=world.drafter, conclusion="  ")
    fair_competition.set_conclusion(step=step, actor=world.drafter, conclusion="经审查，符合要求。")
    assert FairCompetitionReview.objects.get(step=step).conclusion == "经审查，符合要求。"
