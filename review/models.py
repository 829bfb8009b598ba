"""The records of the reviews before a decision (Decree 713 Art. 13, 19–24, 29): expert review, risk assessment,
fair-competition review and department consultation, one record per round of the decision's step.

The procedure reads nothing of these models: what its rules need (whether a risk finding blocks, which draft was
assessed, which independent body did the work) it is told through the `decisions` services (see `review/steps.py`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.models import StepRecord
from decisions.procedure import LegalityOpinion, RiskLevel


def independent_body(verbose_name):
    """The third-party body or expert institution that did the work, when it was commissioned (Art. 21, 23)."""
    return models.ForeignKey(
        Organization,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": [Organization.Kind.THIRD_PARTY, Organization.Kind.EXPERT_INSTITUTION]},
    )


class ExpertReview(StepRecord):
    experts = models.TextField(_("Experts or institutions"))
    assessing_org = independent_body(_("Institution that did the review (if commissioned)"))
    conflicts_declared = models.BooleanField(_("Every expert declared no direct interest"), default=False)
    opinion_summary = models.TextField(_("Summary of the opinions and how they were adopted"))

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")


class RiskAssessment(StepRecord):
    risk_level = models.CharField(_("Risk level"), max_length=10, choices=RiskLevel.choices)
    controllable = models.BooleanField(_("The risk is controllable"), default=False)
    assessing_org = independent_body(_("Body that did the assessment (if commissioned)"))
    measures = models.TextField(_("Risk points, prevention measures and response plan"))

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    @property
    def blocks_the_decision(self) -> bool:
        """Art. 24: a high risk that is not controllable blocks the decision until a changed draft is reassessed."""
        return self.risk_level == RiskLevel.HIGH and not self.controllable


class FairCompetitionReview(StepRecord):
    conclusion = models.TextField(_("Review conclusion"))

    class Meta:
        verbose_name = _("fair-competition review")
        verbose_name_plural = _("fair-competition reviews")


class DepartmentConsultation(StepRecord):
    units_consulted = models.TextField(_("Units consulted and their answers"))
    disagreements = models.TextField(_("Disagreements to list for the meeting"), blank=True)
    # The date the units consulted were asked to answer by (Art. 13): the step's due date while they answer.
    reply_due_on = models.DateField(_("Answers requested by"), null=True, blank=True)

    class Meta:
        verbose_name = _("department consultation")
        verbose_name_plural = _("department consultations")


class LegalityReview(StepRecord):
    """One round of the legality review (Art. 25–28): the undertaking unit's request with its materials, and the legal
    office's opinion. A returned or unlawful round is followed by a new round (a new step row and a new record)."""

    legal_basis = models.TextField(_("Legal basis"))
    procedure_statement = models.TextField(_("Statement of the procedures followed"))
    review_working_days = models.PositiveSmallIntegerField(_("Review period (working days)"))
    urgency_reason = models.TextField(_("Urgency reason"), blank=True)
    shortened = models.BooleanField(_("Shortened review period"), default=False)
    reviewed_draft = models.ForeignKey(
        "decisions.Document",
        verbose_name=_("Draft under review"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.CharField(_("Opinion"), max_length=30, choices=LegalityOpinion.choices, blank=True)
    opinion_text = models.TextField(_("Review opinion"), blank=True)
    legal_risk = models.TextField(_("Legal risk"), blank=True)
    required_changes = models.TextField(_("Changes required"), blank=True)
    advisers_consulted = models.CharField(_("Legal advisers and public lawyers consulted"), max_length=500, blank=True)
    changes_confirmed_at = models.DateTimeField(_("Changes confirmed"), null=True, blank=True)
    confirmation_comment = models.TextField(_("Comment"), blank=True)
    confirmed_draft = models.ForeignKey(
        "decisions.Document",
        verbose_name=_("Revised draft confirmed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("legality review")
        verbose_name_plural = _("legality reviews")
