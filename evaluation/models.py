"""The post-decision evaluation (Decree 713 Art. 36): the organ's annual evaluation plan, one record per round of a
decision's evaluation step (its trigger, the third party's team, the report's content, the conclusion, the public
summary), and the satisfaction survey the public answers on the portal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.models import Decision, StepRecord
from decisions.procedure import EvaluationConclusion


class Trigger(models.TextChoices):
    """Why a decision is evaluated (Art. 36 and the organs' evaluation rules)."""

    PLAN = "plan", _("In the annual evaluation plan")
    IMPORTANCE = "importance", _("Of great importance to the public interest")
    PUBLIC_ATTENTION = "public_attention", _("High public attention")
    EXECUTION_PROBLEMS = "execution_problems", _("Problems in execution")
    CITIZEN_REPORTS = "citizen_reports", _("Many reports from the public")
    LEGAL_BASIS_CHANGED = "legal_basis_changed", _("Its legal basis changed")
    ORGAN_DECIDES = "organ_decides", _("The organ finds it necessary")


class EvaluationPlan(models.Model):
    """An organ's evaluation plan for a year: proposed by the government office, approved by another member of it
    (two-person rule), then published on the portal."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being drawn up")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    organ = models.ForeignKey(
        Organization, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="evaluation_plans"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("Notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn up by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation plan")
        verbose_name_plural = _("evaluation plans")
        ordering = ["-year", "organ_id"]
        constraints = [models.UniqueConstraint(fields=["organ", "year"], name="evaluation_plan_once_a_year")]

    def __str__(self) -> str:
        return f"{self.organ} {self.year}"


class EvaluationPlanItem(models.Model):
    """A decision the plan will have evaluated, why, and when."""

    plan = models.ForeignKey(EvaluationPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="items")
    order = models.PositiveSmallIntegerField(_("Order"))
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="evaluation_plan_items"
    )
    trigger = models.CharField(_("Why"), max_length=30, choices=Trigger.choices)
    reason = models.TextField(_("Reason"))
    planned_quarter = models.CharField(_("Planned (quarter)"), max_length=7)  # "2027Q2"

    class Meta:
        verbose_name = _("evaluation plan item")
        verbose_name_plural = _("evaluation plan items")
        ordering = ["plan_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "decision"], name="evaluation_plan_item_once"),
            models.UniqueConstraint(fields=["plan", "order"], name="evaluation_plan_item_order"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.order}"


class Evaluation(StepRecord):
    evaluator = models.ForeignKey(
        Organization, verbose_name=_("Evaluation body"), on_delete=models.PROTECT, related_name="evaluations"
    )
    trigger = models.CharField(_("Why evaluated"), max_length=30, choices=Trigger.choices, blank=True)
    plan_item = models.ForeignKey(
        EvaluationPlanItem,
        verbose_name=_("plan item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    staged = models.BooleanField(_("Staged evaluation"), default=False)
    stage_reason = models.CharField(_("Stage evaluated"), max_length=300, blank=True)
    team = models.TextField(_("Evaluation team"), blank=True)  # one member a line, with their capacity
    # The report's content (Art. 36), written by the evaluation body.
    implementation = models.TextField(_("Implementation"), blank=True)
    effects = models.TextField(_("Effects against the goals and indicators"), blank=True)
    costs_benefits = models.TextField(_("Costs and benefits"), blank=True)
    satisfaction = models.TextField(_("Public satisfaction"), blank=True)
    problems = models.TextField(_("Problems"), blank=True)
    recommendations = models.TextField(_("Recommendations"), blank=True)
    conclusion = models.CharField(_("Conclusion"), max_length=20, choices=EvaluationConclusion.choices, blank=True)
    summary = models.TextField(_("Summary"), blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted"), null=True, blank=True)
    report_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("report submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public_summary = models.TextField(_("Public summary"), blank=True)
    summary_published_at = models.DateTimeField(_("summary published"), null=True, blank=True)

    class Meta:
        verbose_name = _("post-decision evaluation")
        verbose_name_plural = _("post-decision evaluations")


class SatisfactionSurvey(models.Model):
    """The public's satisfaction with a decision, asked on the portal while the evaluation runs: a few statements,
    each rated from 1 (very dissatisfied) to 5 (very satisfied), and a comment."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.PROTECT, related_name="survey"
    )
    title = models.CharField(_("Title"), max_length=200)
    introduction = models.TextField(_("Introduction"), blank=True)
    opens_on = models.DateField(_("Opens on"))
    closes_on = models.DateField(_("Closes on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set up by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(
        SatisfactionSurvey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("Order"))
    text = models.CharField(_("Statement"), max_length=300)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey_id", "order"]
        constraints = [models.UniqueConstraint(fields=["survey", "order"], name="survey_question_order")]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One anonymous response (no personal data is asked)."""

    survey = models.ForeignKey(
        SatisfactionSurvey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses"
    )
    comment = models.TextField(_("Comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey_id", "id"]

    def __str__(self) -> str:
        return f"{self.survey_id} #{self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.PROTECT, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    rating = models.PositiveSmallIntegerField(_("Rating (1–5)"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.rating}"
