"""The post-decision evaluation (Decree 713 Art. 36): one record per round of the decision's evaluation step."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.models import StepRecord
from decisions.procedure import EvaluationConclusion


class Evaluation(StepRecord):
    evaluator = models.ForeignKey(
        Organization, verbose_name=_("Evaluation body"), on_delete=models.PROTECT, related_name="evaluations"
    )
    staged = models.BooleanField(_("Staged evaluation"), default=False)
    stage_reason = models.CharField(_("Stage evaluated"), max_length=300, blank=True)
    conclusion = models.CharField(_("Conclusion"), max_length=20, choices=EvaluationConclusion.choices, blank=True)
    summary = models.TextField(_("Summary"), blank=True)

    class Meta:
        verbose_name = _("post-decision evaluation")
        verbose_name_plural = _("post-decision evaluations")
