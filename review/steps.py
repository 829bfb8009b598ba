"""What the reviews tell the procedure (registered in `ReviewConfig.ready()`): each review's record, what it needs
before the unit may submit it, and what the rules read of it (Decree 713 Art. 13, 19–24, 29)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.deadlines import opened_on, target_due
from decisions.errors import ProcedureError
from decisions.forms import CommentForm
from decisions.procedure import RiskFinding, StepKind
from decisions.registry import StepOwner, TransitionInput, register_step, register_transition_input
from workdays.calendar import add_working_days, on_date

from . import services
from .forms import (
    DepartmentConsultationForm,
    ExpertReviewForm,
    FairCompetitionReviewForm,
    LegalityOpinionForm,
    RequestLegalityReviewForm,
    RiskAssessmentForm,
)
from .models import DepartmentConsultation, ExpertReview, FairCompetitionReview, LegalityReview, RiskAssessment


def expert_review_submission_refusal(decision, step, review: ExpertReview) -> ProcedureError | None:
    if not review.conflicts_declared:
        return ProcedureError(
            "expert.conflicts",
            _("Decree 713 Art. 20: experts with a direct interest are never chosen; every expert must declare it."),
        )
    return None


def risk_finding(assessment: RiskAssessment) -> str:
    """Art. 24: what the procedure reads of an assessment — whether its finding blocks the decision."""
    return RiskFinding.BLOCKING if assessment.blocks_the_decision else RiskFinding.ACCEPTABLE


def legality_review_due(step, review: LegalityReview | None, profile):
    """Art. 26: the review period's working days (the profile's minimum, 7 under Decree 713, unless the request
    gave another) after the day the review was requested."""
    requested = opened_on(step) or (timezone.localdate(step.submitted_at) if step.submitted_at else None)
    if requested is None:
        return None  # not requested yet
    days = review.review_working_days if review is not None else profile.min_review_working_days
    return add_working_days(requested, days)


def department_consultation_due(step, consultation: DepartmentConsultation | None, profile):
    """Art. 13: the date the units consulted were asked to answer by, when the record gives one; else the organ's
    target for the step."""
    if consultation is not None and consultation.reply_due_on:
        return on_date(consultation.reply_due_on)
    return target_due(step, profile)


def register() -> None:
    register_step(StepOwner(kind=StepKind.LEGALITY_REVIEW, record_model=LegalityReview, due_date=legality_review_due))
    register_transition_input(
        "request_legality_review",
        TransitionInput(
            RequestLegalityReviewForm, lambda d, u, c: services.request_legality_review(decision=d, actor=u, **c)
        ),
    )
    register_transition_input(
        "give_legality_opinion",
        TransitionInput(LegalityOpinionForm, lambda d, u, c: services.give_legality_opinion(decision=d, actor=u, **c)),
    )
    register_transition_input(
        "confirm_legality_changes",
        TransitionInput(CommentForm, lambda d, u, c: services.confirm_legality_changes(decision=d, actor=u, **c)),
    )
    register_step(
        StepOwner(
            kind=StepKind.EXPERT_REVIEW,
            record_model=ExpertReview,
            form_class=ExpertReviewForm,
            submission_refusal=expert_review_submission_refusal,
            assessed_by=lambda review: review.assessing_org,
            needs_document=True,
        )
    )
    register_step(
        StepOwner(
            kind=StepKind.RISK_ASSESSMENT,
            record_model=RiskAssessment,
            form_class=RiskAssessmentForm,
            outcome=risk_finding,
            assessed_by=lambda assessment: assessment.assessing_org,
            concerns_the_draft=True,
            needs_document=True,
        )
    )
    register_step(
        StepOwner(
            kind=StepKind.FAIR_COMPETITION_REVIEW,
            record_model=FairCompetitionReview,
            form_class=FairCompetitionReviewForm,
            needs_document=True,
        )
    )
    register_step(
        StepOwner(
            kind=StepKind.DEPARTMENT_CONSULTATION,
            record_model=DepartmentConsultation,
            form_class=DepartmentConsultationForm,
            due_date=department_consultation_due,
        )
    )
