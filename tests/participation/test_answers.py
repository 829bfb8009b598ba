"""Moderation and answers (Art. 18): hidden opinions are never deleted; each visible opinion is answered, alone or
by its theme, with a reason unless adopted; the step is not submitted while one lacks an answer."""

import pytest

from accountability.models import LedgerEvent
from decisions import services as decision_services
from decisions.models import Step
from decisions.procedure import StepStatus
from participation import feedback, selectors, services
from participation.models import Comment, Consultation

from .helpers import attach_the_draft, close_it, open_consultation, opinion, refused_here

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def two_opinions(world):
    consultation = open_consultation(world)
    first = opinion(consultation, contact="13800000001", client_address="10.9.0.1")
    second = opinion(consultation, contact="13800000002", client_address="10.9.0.2", text="建议增加犬只免疫要求。")
    return consultation, first, second


def ready_to_submit(world, consultation: Consultation) -> Step:
    """Closed, the rest of the record filled in, the consultation document attached."""
    close_it(consultation)
    Consultation.objects.filter(pk=consultation.pk).update(comments_received=2, feedback_summary="已逐条反馈。")
    step = consultation.step
    attach_the_draft(world, step)
    return step


def test_hiding_needs_a_reason_and_never_deletes(world):
    consultation, first, _second = two_opinions(world)
    decision = consultation.step.decision
    with refused_here("comment.hide_reason", decision, says="needs a reason"):
        services.hide_comment(comment=first, actor=world.drafter, reason="")
    services.hide_comment(comment=first, actor=world.head, reason="含有他人个人信息")
    first.refresh_from_db()
    assert first.is_hidden and first.hidden_reason == "含有他人个人信息" and first.hidden_by == world.head
    assert Comment.objects.count() == 2  # kept
    assert services.comment_by_receipt(first.receipt_number, "13800000001") == first
    with refused_here("comment.hidden", decision, status=409):
        services.hide_comment(comment=first, actor=world.drafter, reason="again")
    event = LedgerEvent.objects.get(action="comment.hidden")
    assert event.reason == "含有他人个人信息" and event.after["receipt_number"] == first.receipt_number
    facts = selectors.public_facts(consultation)
    assert (facts["comments_received"], facts["comments_hidden"]) == (2, 1)


@pytest.mark.parametrize(("answer", "reason"), [("not_adopted", ""), ("partly_adopted", " ")])
def test_an_answer_other_than_adopted_needs_a_reason(world, answer, reason):
    consultation, first, _second = two_opinions(world)
    with refused_here("comment.answer_reason", consultation.step.decision, says="reason") as caught:
        services.answer_comment(comment=first, actor=world.drafter, answer=answer, reason=reason)
    assert caught.value.fields == ("reason",)


def test_an_answer_must_be_one_of_the_three(world):
    consultation, first, _second = two_opinions(world)
    for answer in ("", "maybe"):
        with refused_here("comment.answer", consultation.step.decision):
            services.answer_comment(comment=first, actor=world.drafter, answer=answer, reason="x")


def test_answers_are_recorded_with_who_and_an_event(world):
    consultation, first, second = two_opinions(world)
    services.answer_comment(comment=first, actor=world.drafter, answer="adopted")
    services.answer_comment(comment=second, actor=world.head, answer="not_adopted", reason="上位法已有规定。")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.answer, first.answered_by) == ("adopted", world.drafter)
    assert (second.answer, second.answer_reason, second.answered_by) == ("not_adopted", "上位法已有规定。", world.head)
    events = LedgerEvent.objects.filter(action="comment.answered").order_by("id")
    assert [event.after["answer"] for event in events] == ["adopted", "not_adopted"]
    assert selectors.answer_counts(consultation) == {"": 0, "adopted": 1, "partly_adopted": 0, "not_adopted": 1}


@pytest.mark.parametrize(("who", "code"), [("drafter_b", "permission.scope"), ("gov", "permission.role")])
def test_only_the_undertaking_unit_moderates_and_answers(world, who, code):
    consultation, first, _second = two_opinions(world)
    actor = getattr(world, who)
    decision = consultation.step.decision
    with refused_here(code, decision, status=403):
        services.answer_comment(comment=first, actor=actor, answer="adopted")
    with refused_here(code, decision, status=403):
        services.hide_comment(comment=first, actor=actor, reason="x")
    with refused_here(code, decision, status=403):
        services.create_theme(consultation=consultation, actor=actor, title="主题")


def test_a_themes_answer_answers_its_opinions(world):
    consultation, first, second = two_opinions(world)
    third = opinion(consultation, contact="13800000003", client_address="10.9.0.3")
    theme = services.create_theme(consultation=consultation, actor=world.drafter, title="关于大型犬禁养")
    assert services.assign_to_theme(comments=[first, second], theme=theme, actor=world.drafter) == 2
    assert set(theme.comments.all()) == {first, second}
    assert selectors.unanswered_comments(consultation).count() == 3
    with refused_here("comment.answer_reason", consultation.step.decision):
        services.answer_theme(theme=theme, actor=world.drafter, answer="not_adopted")
    services.answer_theme(theme=theme, actor=world.drafter, answer="partly_adopted", reason="部分区域放宽。")
    assert list(selectors.unanswered_comments(consultation)) == [third]
    # An opinion's own answer comes first.
    services.answer_comment(comment=first, actor=world.drafter, answer="adopted")
    assert selectors.answer_counts(consultation) == {"": 1, "adopted": 1, "partly_adopted": 1, "not_adopted": 0}
    rows = {row.pk: row.effective_answer for row in selectors.staff_comments(consultation)}
    assert rows == {first.pk: "adopted", second.pk: "partly_adopted", third.pk: ""}
    actions = list(LedgerEvent.objects.filter(action__startswith="theme.").values_list("action", flat=True))
    assert actions == ["theme.created", "theme.assigned", "theme.answered"]
    # Taken out of the theme, an opinion is unanswered again.
    services.assign_to_theme(comments=[second], theme=None, actor=world.drafter, consultation=consultation)
    assert set(selectors.unanswered_comments(consultation)) == {second, third}


def test_opinions_of_another_consultation_are_not_put_under_a_theme(world):
    consultation, first, _second = two_opinions(world)
    other = open_consultation(world)
    stranger = opinion(other, contact="13800000009", client_address="10.9.9.9")
    theme = services.create_theme(consultation=consultation, actor=world.drafter, title="主题")
    with refused_here("theme.comments", consultation.step.decision):
        services.assign_to_theme(comments=[first, stranger], theme=theme, actor=world.drafter)
    with refused_here("theme.title", consultation.step.decision):
        services.create_theme(consultation=consultation, actor=world.drafter, title=" ")


def test_the_step_is_not_submitted_while_a_visible_opinion_lacks_an_answer(world):
    consultation, first, second = two_opinions(world)
    step = ready_to_submit(world, consultation)
    decision = step.decision
    with refused_here("participation.unanswered", decision, says="2 opinions received have no answer"):
        decision_services.submit_step(step=step, actor=world.drafter)
    services.answer_comment(comment=first, actor=world.drafter, answer="adopted")
    with refused_here("participation.unanswered", decision, says="1 opinion received has no answer"):
        decision_services.submit_step(step=step, actor=world.drafter)
    services.hide_comment(comment=second, actor=world.drafter, reason="广告内容")  # a hidden one is not answered
    with refused_here("participation.no_feedback_report", decision, says="feedback report"):
        decision_services.submit_step(step=step, actor=world.drafter)
    feedback.generate_feedback_report(consultation=consultation, actor=world.drafter)
    feedback.approve_feedback_report(consultation=consultation, actor=world.head)
    decision_services.submit_step(step=step, actor=world.drafter)
    assert Step.objects.get(pk=step.pk).status == StepStatus.SUBMITTED
    # Once submitted, the answers are fixed with it.
    with refused_here("consultation.step_not_open", decision, status=409):
        services.answer_comment(comment=second, actor=world.drafter, answer="adopted")


def test_a_withdrawn_consultation_is_not_submitted(world):
    consultation = open_consultation(world)
    step = consultation.step
    services.withdraw_consultation(consultation=consultation, actor=world.drafter, reason="撤回")
    Consultation.objects.filter(pk=consultation.pk).update(comments_received=0, feedback_summary="无")
    attach_the_draft(world, step)
    with refused_here("participation.withdrawn", step.decision, says="withdrawn"):
        decision_services.submit_step(step=step, actor=world.drafter)
