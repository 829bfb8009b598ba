"""What the reviews tell the procedure (registered in `ReviewConfig.ready()`): each review's record, what it needs
before the unit may submit it, and what the rules read of it (Decree 713 Art. 13, 19–24, 29)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.deadlines import opened_on, target_due
from decisions.errors import ProcedureError
from decisions.forms import CommentForm
from decisions.procedure import RiskFinding, StepKind
from decisions.registry import (
    StepOwner,
    TransitionInput,
    register_meeting_material,
    register_publication_explanation,
    register_step,
    register_transition_input,
)
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
from .models import (
    DepartmentConsultation,
    ExpertAssignment,
    ExpertReview,
    FairCompetitionReview,
    LegalityReview,
    RiskAssessment,
)
from .selectors import expert_opinions_used, open_disagreements


def expert_review_submission_refusal(decision, step, review: ExpertReview) -> ProcedureError | None:
    """With experts drawn or chosen in the system (review/experts.py): at least one opinion of an expert without a
    direct interest, and every such opinion answered (how it was used); else the typed declaration."""
    assignments = list(step.expert_assignments.all())
    if assignments:
        return expert_assignments_refusal(assignments)
    if not review.conflicts_declared:
        return ProcedureError(
            "expert.conflicts",
            _("Decree 713 Art. 20: experts with a direct interest are never chosen; every expert must declare it."),
        )
    return None


def expert_assignments_refusal(assignments) -> ProcedureError | None:
    kept = [a for a in assignments if a.declaration != ExpertAssignment.Declaration.DIRECT_INTEREST]
    opinions = [a for a in kept if a.signed_at is not None]
    if not opinions:
        return ProcedureError(
            "expert.no_opinions",
            _("Decree 713 Art. 19–20: no expert without a direct interest has submitted an opinion yet."),
        )
    if any(not a.usage for a in opinions):
        return ProcedureError(
            "expert.unanswered",
            _("Decree 713 Art. 21: record how each expert opinion was used before the step is submitted."),
        )
    return None


def expert_workspace(step) -> tuple[str, str]:
    return _("Experts: draw, declarations, opinions"), reverse("review:expert_workspace", args=[step.pk])


def expert_scope(user) -> Q:
    """An expert sees the decisions of the rounds they were assigned to, once they declared no direct interest."""
    return Q(
        pk__in=ExpertAssignment.objects.filter(
            expert__user_id=user.pk, declaration=ExpertAssignment.Declaration.NO_CONFLICT
        ).values("step__decision_id")
    )


def risk_submission_refusal(decision, step, assessment: RiskAssessment) -> ProcedureError | None:
    """Art. 23: a round run in the risk workspace names who assessed and how, and examines the four dimensions."""
    from . import risk

    return risk.submission_refusal(assessment)


def risk_workspace(step) -> tuple[str, str]:
    return _("Risk assessment: methods, identified risks, level"), reverse("review:risk_workspace", args=[step.pk])


def fair_competition_submission_refusal(decision, step, review: FairCompetitionReview) -> ProcedureError | None:
    """Art. 29: every question of the checklist answered, every restriction changed or kept under an exception."""
    from . import fair_competition

    return fair_competition.submission_refusal(review)


def fair_competition_workspace(step) -> tuple[str, str]:
    return _("Fair-competition checklist"), reverse("review:fair_competition_workspace", args=[step.pk])


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


def legality_workspace(step) -> tuple[str, str]:
    return _("Legality review: materials, advisers' opinions"), reverse("review:legality_workspace", args=[step.pk])


def department_consultation_due(step, consultation: DepartmentConsultation | None, profile):
    """Art. 13: the date the units consulted were asked to answer by, when the record gives one; else the organ's
    target for the step. Once the draft was sent for co-signing in the system, the record's date is the latest
    deadline of its requests (review.cosigning keeps it so, without a query here)."""
    if consultation is not None and consultation.reply_due_on:
        return on_date(consultation.reply_due_on)
    return target_due(step, profile)


def department_consultation_submission_refusal(decision, step, consultation) -> ProcedureError | None:
    """Art. 13: sent for co-signing in the system, the step waits until every department asked has answered or its
    deadline passed (silence: no objection); a round without requests is the typed record alone."""
    from .cosigning import waiting_refusal

    return waiting_refusal(step)


def department_consultation_workspace(step) -> tuple[str, str]:
    return _("Co-signing: send the draft, the answers, the disagreements"), reverse(
        "review:co_signing_workspace", args=[step.pk]
    )


def disagreements_for_the_meeting(decision) -> list[dict]:
    """Art. 13, 30: each department's disagreement still open goes to the meeting with both sides' views."""
    return [
        {
            "label": _("Open disagreement: %(organization)s") % {"organization": row.organization},
            "ok": True,
            "detail": _("Department: %(department)s — Undertaking unit: %(unit)s")
            % {"department": row.department_view, "unit": row.unit_view or _("(no view recorded yet)")},
            "documents": [],
        }
        for row in open_disagreements(decision)
    ]


def register() -> None:
    register_meeting_material(disagreements_for_the_meeting)
    # Art. 32: the publication explains how the experts' opinions were used (after the public's: INSTALLED_APPS order).
    register_publication_explanation(expert_opinions_used)
    register_step(
        StepOwner(
            kind=StepKind.LEGALITY_REVIEW,
            record_model=LegalityReview,
            due_date=legality_review_due,
            workspace=legality_workspace,
        )
    )
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
            workspace=expert_workspace,
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
            submission_refusal=risk_submission_refusal,
            workspace=risk_workspace,
        )
    )
    register_step(
        StepOwner(
            kind=StepKind.FAIR_COMPETITION_REVIEW,
            record_model=FairCompetitionReview,
            form_class=FairCompetitionReviewForm,
            needs_document=True,
            submission_refusal=fair_competition_submission_refusal,
            workspace=fair_competition_workspace,
        )
    )
    register_step(
        StepOwner(
            kind=StepKind.DEPARTMENT_CONSULTATION,
            record_model=DepartmentConsultation,
            form_class=DepartmentConsultationForm,
            due_date=department_consultation_due,
            submission_refusal=department_consultation_submission_refusal,
            workspace=department_consultation_workspace,
        )
    )
