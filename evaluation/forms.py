from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.bounds import validate_year
from decisions.models import Decision
from decisions.procedure import EvaluationConclusion

from .models import Trigger

TRIGGER_CHOICES = [("", _("— choose —")), *Trigger.choices]
# What the government office names when it proposes a plan item (the plan itself is not a reason to be in the plan).
ITEM_TRIGGER_CHOICES = [("", _("— choose —")), *((v, label) for v, label in Trigger.choices if v != Trigger.PLAN)]


class StartEvaluationForm(forms.Form):
    evaluator_org = forms.ModelChoiceField(label=_("Evaluation body"), queryset=Organization.objects.none())
    trigger = forms.ChoiceField(
        label=_("Why evaluated"),
        choices=TRIGGER_CHOICES,
        required=False,
        help_text=_("A decision in the organ's published evaluation plan of the year is evaluated “in the plan”."),
    )
    team = forms.CharField(
        label=_("Evaluation team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One member a line, with their capacity."),
    )
    staged = forms.BooleanField(label=_("Staged evaluation of a long-running decision"), required=False)
    stage_reason = forms.CharField(
        label=_("Stage evaluated (for a staged evaluation)"),
        required=False,
        max_length=300,
        help_text=_("Which stage of the decision this evaluation covers, e.g. “the first phase, 2026–2027”."),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["evaluator_org"].queryset = organizations


class CompleteEvaluationForm(forms.Form):
    """The government office approves the evaluation body's report and publishes its summary."""

    public_summary = forms.CharField(
        label=_("Public summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published on the portal with the decision."),
    )


class EvaluationReportForm(forms.Form):
    """The evaluation body's report (Art. 36); the service says what is missing."""

    implementation = forms.CharField(
        label=_("Implementation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    effects = forms.CharField(
        label=_("Effects against the goals and indicators"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    costs_benefits = forms.CharField(
        label=_("Costs and benefits"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    satisfaction = forms.CharField(
        label=_("Public satisfaction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recommendations = forms.CharField(
        label=_("Recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    conclusion = forms.ChoiceField(
        label=_("Conclusion"), choices=[("", _("— choose —")), *EvaluationConclusion.choices], required=False
    )
    summary = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), validators=[validate_year])
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanItemForm(forms.Form):
    decision = forms.ModelChoiceField(label=_("Decision"), queryset=Decision.objects.none())
    trigger = forms.ChoiceField(label=_("Why"), choices=ITEM_TRIGGER_CHOICES, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    planned_quarter = forms.CharField(
        label=_("Planned (quarter)"), required=False, max_length=7, help_text=_("e.g. 2027Q2")
    )

    def __init__(self, *args, decisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if decisions is not None:
            self.fields["decision"].queryset = decisions
