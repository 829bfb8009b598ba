"""The risk workspace and the fair-competition checklist in the browser: reached from the step page, read by whoever
sees the decision, worked on by the unit's drafter; refused forms come back with their error and store nothing."""

import pytest
from django.urls import reverse

from review import checklist, fair_competition, risk
from review.models import FairCompetitionAnswer, FairCompetitionReview, RiskAssessment, RiskItem
from review.risk_forms import answer_field_name, note_field_name
from tests.factories import log_in_in_english

from .test_fair_competition import ALL_NO, fc_step
from .test_risk import DIMENSIONS, item, risk_step

pytestmark = pytest.mark.django_db


def risk_url(step, name="risk_workspace", *extra):
    return reverse(f"review:{name}", args=[step.pk, *extra])


def test_the_step_page_links_to_the_risk_workspace(client, world):
    step = risk_step(world)
    page = log_in_in_english(client, world.drafter).get(reverse("manage:step", args=[step.pk]))
    assert risk_url(step) in page.content.decode()


def test_the_risk_workspace_is_read_in_few_queries(client, world, django_assert_max_num_queries):
    step = risk_step(world)
    risk.set_method(step=step, actor=world.drafter, assessor="unit", methods=["survey"])
    for dimension in DIMENSIONS * 5:
        risk.add_item(step=step, actor=world.drafter, **item(dimension, "medium", "high"))
    log_in_in_english(client, world.drafter)
    with django_assert_max_num_queries(40):
        page = client.get(risk_url(step))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('id="item-') == 20 and "Questionnaire survey" in body and 'id="suggested-level">High' in body


def test_the_drafter_records_who_items_and_level_through_the_pages(client, world):
    step = risk_step(world)
    log_in_in_english(client, world.drafter)
    answer = client.post(
        risk_url(step, "risk_method"),
        {"assessor": "third_party", "methods": ["survey", "expert_consultation"], "assessing_org": world.institute.pk},
    )
    assert answer.status_code == 302
    answer = client.post(risk_url(step, "risk_item_add"), item("legality", "high", "high"))
    assert answer.status_code == 302
    assessment = RiskAssessment.objects.get(step=step)
    first = assessment.items.get()
    assert (assessment.assessing_org, assessment.risk_level) == (world.institute, "high")
    assert client.get(risk_url(step, "risk_item_edit", first.pk)).status_code == 200
    answer = client.post(risk_url(step, "risk_item_edit", first.pk), item("feasibility", "low", "medium"))
    assert answer.status_code == 302
    first.refresh_from_db()
    assert first.dimension == "feasibility"
    # Lower than suggested (low now): free. Without a reason when lower than suggested: refused, nothing stored.
    risk.add_item(step=step, actor=world.drafter, **item("legality", "high", "high"))
    answer = client.post(risk_url(step, "risk_level"), {"risk_level": "low", "controllable": "on"})
    assert answer.status_code == 400 and "needs its reason" in answer.content.decode()
    assessment.refresh_from_db()
    assert (assessment.risk_level, assessment.controllable) == ("high", False)
    answer = client.post(risk_url(step, "risk_level"), {"risk_level": "high", "controllable": "on"})
    assert answer.status_code == 302
    assessment.refresh_from_db()
    assert assessment.controllable
    answer = client.post(risk_url(step, "risk_item_remove", first.pk))
    assert answer.status_code == 302 and not RiskItem.objects.filter(pk=first.pk).exists()


def test_refused_pages_store_nothing(client, world):
    step = risk_step(world)
    log_in_in_english(client, world.drafter)
    answer = client.post(risk_url(step, "risk_item_add"), item() | {"measures": ""})
    assert answer.status_code == 400 and not RiskItem.objects.exists()
    answer = client.post(risk_url(step, "risk_method"), {"assessor": "third_party", "methods": ["survey"]})
    assert answer.status_code == 400 and "name the third party" in answer.content.decode()
    assert not RiskAssessment.objects.filter(step=step).exclude(assessor="").exists()
    # The unit's head reads the workspace but does not act: the service refuses.
    log_in_in_english(client, world.head)
    assert client.get(risk_url(step)).status_code == 200
    answer = client.post(risk_url(step, "risk_item_add"), item())
    assert answer.status_code == 400 and not RiskItem.objects.exists()


def test_a_workspace_of_another_kind_or_item_is_not_found(client, world):
    step = risk_step(world)
    other = risk_step(world)
    foreign = risk.add_item(step=other, actor=world.drafter, **item())
    log_in_in_english(client, world.drafter)
    assert client.get(reverse("review:fair_competition_workspace", args=[step.pk])).status_code == 404
    assert client.get(risk_url(step, "risk_item_edit", foreign.pk)).status_code == 404
    assert client.post(risk_url(step, "risk_item_remove", foreign.pk)).status_code == 404


# ---------------------------------------------------------------- the checklist


def fc_url(step, name="fair_competition_workspace"):
    return reverse(f"review:{name}", args=[step.pk])


def test_the_step_page_links_to_the_checklist(client, world):
    step = fc_step(world)
    page = log_in_in_english(client, world.drafter).get(reverse("manage:step", args=[step.pk]))
    assert fc_url(step) in page.content.decode()


def test_the_checklist_is_read_in_few_queries(client, world, django_assert_max_num_queries):
    step = fc_step(world)
    fair_competition.answer_questions(step=step, actor=world.drafter, answers=ALL_NO | {"cost.2": "yes"})
    log_in_in_english(client, world.legal_reviewer)
    with django_assert_max_num_queries(40):
        page = client.get(fc_url(step))
    body = page.content.decode()
    assert page.status_code == 200
    assert "18 of 18 questions answered" in body and "安排财政支出与特定经营者缴纳的税收或者非税收入挂钩" in body
    assert "Record the answers" not in body  # the legal office reads, the unit answers


def test_the_drafter_answers_keeps_an_exception_and_concludes_through_the_pages(client, world):
    step = fc_step(world)
    log_in_in_english(client, world.drafter)
    data = {answer_field_name(code): "no" for code in checklist.QUESTIONS}
    data[answer_field_name("entry.2")] = "yes"
    data[note_field_name("entry.2")] = "公交线路特许经营。"
    assert client.post(fc_url(step, "fair_competition_answers"), data).status_code == 302
    review = FairCompetitionReview.objects.get(step=step)
    assert review.answers.count() == 18 and review.answers.get(question="entry.2").note == "公交线路特许经营。"
    answer = client.post(
        fc_url(step, "fair_competition_restriction"),
        {"restriction_kept": "yes", "exception": "public_interest", "exception_term": ""},
    )
    assert answer.status_code == 400 and "definite term" in answer.content.decode()
    review.refresh_from_db()
    assert not review.restriction_kept
    answer = client.post(
        fc_url(step, "fair_competition_restriction"),
        {"restriction_kept": "yes", "exception": "public_interest", "exception_term": "五年"},
    )
    assert answer.status_code == 302
    assert client.post(fc_url(step, "fair_competition_conclusion"), {"generate": "1"}).status_code == 302
    review.refresh_from_db()
    assert "五年" in review.conclusion
    assert client.post(fc_url(step, "fair_competition_conclusion"), {"conclusion": "修改后的结论。"}).status_code == 302
    review.refresh_from_db()
    assert review.conclusion == "修改后的结论。"


def test_an_empty_checklist_post_is_refused(client, world):
    step = fc_step(world)
    log_in_in_english(client, world.drafter)
    answer = client.post(fc_url(step, "fair_competition_answers"), {})
    assert answer.status_code == 400 and "Art. 29" in answer.content.decode()
    assert not FairCompetitionAnswer.objects.exists()
