from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.procedure import EvaluationConclusion


class StartEvaluationForm(forms.Form):
    evaluator_org = forms.ModelChoiceField(label=_("Evaluation body"), queryset=Organization.objects.none())
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
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=EvaluationConclusion.choices)
    summary = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
