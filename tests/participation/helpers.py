"""A decision in drafting with its public participation step, a consultation set up on it, and refusals that
check nothing of the consultation changed either."""

from contextlib import contextmanager
from datetime import timedelta

from django.forms.models import model_to_dict
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import Document
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from participation import services
from participation.models import Clause, Comment, Consultation, Theme
from tests.factories import make_decision
from tests.refusals import refused

DRAFT = """为了规范养犬行为，制定本办法。
第一章 总则
第一条 为了规范养犬行为，保障公民健康和人身安全，根据有关法律，制定本办法。
第二条 本市行政区域内的养犬管理，适用本办法。
第二章 登记
第三条 养犬实行登记制度。
"""
TITLE = "《示例市养犬管理办法（征求意见稿）》"
CHANNELS = "市政府门户网站“意见征集”专栏、《示例日报》"


def participation_step(world, decision=None):
    decision = decision or make_decision(world)
    drive_to(decision, State.DRAFTING, world.cast)
    return current_steps(decision)[StepKind.PUBLIC_PARTICIPATION]


def set_up(world, step, **overrides):
    values = {
        "step": step,
        "actor": world.drafter,
        "title": TITLE,
        "draft_text": DRAFT,
        "explanation": "起草说明：为解决养犬扰民问题……",
        "questions": "1. 禁养犬只名录是否合适？",
        "channels": CHANNELS,
        "comment_start": timezone.localdate(),
    } | overrides
    return services.set_up_consultation(**values)


def open_consultation(world, decision=None) -> Consultation:
    """A consultation open today (set up starting today)."""
    consultation = set_up(world, participation_step(world, decision))
    assert consultation.status == Consultation.Status.OPEN
    return consultation


def opinion(consultation, **overrides) -> Comment:
    values = {
        "consultation": consultation,
        "name": "王市民",
        "contact": "13812341234",
        "text": "建议放宽中小型犬的登记条件。",
        "client_address": "203.0.113.7",
    } | overrides
    return services.submit_comment(**values)


def close_it(consultation: Consultation) -> Consultation:
    """Move the period into the past and let the clock close it."""
    today = timezone.localdate()
    Consultation.objects.filter(pk=consultation.pk).update(
        comment_start=today - timedelta(days=40), comment_end=today - timedelta(days=2)
    )
    services.open_and_close_consultations()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
    return consultation


def attach_the_draft(world, step) -> None:
    """The step's document: the draft as published for comment."""
    decision_services.add_document(
        decision=step.decision,
        actor=world.drafter,
        uploaded_file=pdf_file("consultation.pdf"),
        kind=Document.Kind.DRAFT,
        title="征求意见稿",
        step=step,
        is_public=True,
    )


def participation_snapshot() -> dict:
    return {
        "consultations": [model_to_dict(row) for row in Consultation.objects.order_by("pk")],
        "clauses": list(Clause.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "themes": list(Theme.objects.order_by("pk").values()),
    }


@contextmanager
def refused_here(code, decision=None, *, says=(), status=None):
    """`tests.refusals.refused`, and nothing of any consultation, clause, opinion or theme changed."""
    before = participation_snapshot()
    with refused(code, decision, says=says) as caught:
        yield caught
    assert participation_snapshot() == before, "a refused action changed a consultation"
    if status is not None:
        assert caught.value.status == status
