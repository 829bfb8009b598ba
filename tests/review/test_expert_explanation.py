"""The experts' part of the publication's explanation (Decree 713 Art. 21, 32): once the expert review is done, how
many experts gave opinions, how many were adopted, partly or not, and each answer — numbered, not named — start the
publish form's "how opinions were adopted"."""

import pytest

from accounts.roles import Role
from decisions import services as decision_services
from decisions.procedure import StepStatus
from decisions.registry import publication_explanation, transition_input
from demo.walkthrough import pdf_file
from review import experts
from review.selectors import expert_opinions_used
from tests.factories import make_user
from tests.review.test_experts import assign, expert_step, expert_values, expert_world

pytestmark = pytest.mark.usefixtures("english")


def _three_answered_opinions(world):
    """An expert review with three experts' opinions, answered adopted, partly adopted and not adopted."""
    expert_world(world)
    world.expert_c = make_user("expert_c", world.institute, Role.EXPERT, name="周专家")
    pool_expert_c = experts.add_expert(
        organ=world.city, actor=world.legal_reviewer, user=world.expert_c, **expert_values(92, name="周专家")
    )
    step = expert_step(world)
    assignments = assign(world, step, world.pool_expert, world.pool_expert_b, pool_expert_c)
    opinions = (("agree", "同意。"), ("agree_with_conditions", "建议分阶段实施。"), ("disagree", "不宜实施。"))
    for assignment, (opinion, text) in zip(assignments, opinions, strict=True):
        account = assignment.expert.user
        experts.declare(assignment=assignment, actor=account, no_conflict=True)
        experts.submit_opinion(assignment=assignment, actor=account, opinion=opinion, text=text)
    answers = (("adopted", ""), ("partly_adopted", "分两期实施"), ("not_adopted", "与上位法规定不符"))
    for assignment, (usage, reason) in zip(assignments, answers, strict=True):
        experts.answer_opinion(assignment=assignment, actor=world.drafter, usage=usage, reason=reason)
    decision_services.update_step_details(step=step, actor=world.drafter, details={"opinion_summary": "意见已研究。"})
    decision_services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("论证报告.pdf"),
        kind="report",
        title="专家论证报告",
        step=step,
    )
    return step


EXPECTED = "\n".join(
    [
        "Expert review: 3 experts gave opinions; adopted: 1, partly adopted: 1, not adopted: 1.",
        "Expert 1 (Agree): Adopted.",
        "Expert 2 (Agree with conditions): Partly adopted. Reason: 分两期实施",
        "Expert 3 (Disagree): Not adopted. Reason: 与上位法规定不符",
    ]
)


def test_the_answers_to_the_experts_start_the_publications_explanation_once_the_step_is_done(world):
    step = _three_answered_opinions(world)
    decision = step.decision
    step = decision_services.submit_step(step=step, actor=world.drafter)
    assert expert_opinions_used(decision) == ""  # submitted, not done yet
    step = decision_services.approve_step(step=step, actor=world.head)
    assert step.status == StepStatus.DONE
    assert expert_opinions_used(decision) == EXPECTED
    assert EXPECTED in publication_explanation(decision)
    # The experts are numbered: their names (personal information in the pool) are not published.
    assert not {"钱专家", "孙专家", "周专家"} & set(EXPECTED.split())
    assert all(name not in publication_explanation(decision) for name in ("钱专家", "孙专家", "周专家"))
    form = transition_input("publish").form(decision)
    assert form.initial["opinions_explanation"] == publication_explanation(decision)
    assert EXPECTED in form["opinions_explanation"].value()


def test_no_expert_part_without_a_done_review_with_opinions(world):
    expert_world(world)
    step = expert_step(world)
    assert expert_opinions_used(step.decision) == ""
    (assignment,) = assign(world, step, world.pool_expert)
    experts.declare(assignment=assignment, actor=world.expert, no_conflict=True)
    assert expert_opinions_used(step.decision) == ""  # open, and no opinion yet
    assert publication_explanation(step.decision) == ""
