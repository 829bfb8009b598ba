"""The forms of the risk workspace and the fair-competition checklist (review/risk_views.py). They check the shape of
the input; the rules (Decree 713 Art. 22–24, 29) are the services' (review/risk.py, review/fair_competition.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.procedure import RiskLevel
from decisions.selectors import independent_bodies

from .checklist import GROUPS, exception_choices
from .models import FairCompetitionAnswer, RiskAssessment, RiskItem
from .risk import RISK_METHODS


class RiskMethodForm(forms.Form):
    assessor = forms.ChoiceField(
        label=_("Assessed by"), choices=RiskAssessment.Assessor.choices, widget=forms.RadioSelect
    )
    assessing_org = forms.ModelChoiceField(
        label=_("Third party commissioned"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Only when a third party did the assessment (Decree 713 Art. 23)."),
    )
    methods = forms.MultipleChoiceField(
        label=_("Methods"), choices=list(RISK_METHODS.items()), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessing_org"].queryset = independent_bodies(decision).order_by("name")


class RiskItemForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Dimension"), choices=RiskItem.Dimension.choices)
    description = forms.CharField(
        label=_("Risk"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A dimension examined without finding a risk: say so here, with low likelihood and impact."),
    )
    likelihood = forms.ChoiceField(label=_("Likelihood"), choices=RiskItem.Grade.choices)
    impact = forms.ChoiceField(label=_("Impact"), choices=RiskItem.Grade.choices)
    measures = forms.CharField(label=_("Measures"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class RiskLevelForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    controllable = forms.BooleanField(label=_("The risk is controllable"), required=False)
    reason = forms.CharField(
        label=_("Reason for a level lower than the risks suggest"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def answer_field_name(code: str) -> str:
    return "answer_" + code.replace(".", "_")


def note_field_name(code: str) -> str:
    return "note_" + code.replace(".", "_")


class ChecklistForm(forms.Form):
    """One radio group and one note per question of the checklist, grouped as the standards are."""

    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        for group in GROUPS:
            for question in group.questions:
                current = answers.get(question.code)
                self.fields[answer_field_name(question.code)] = forms.ChoiceField(
                    label=f"{question.code} {question.text_zh}",
                    help_text=question.text,
                    choices=FairCompetitionAnswer.Answer.choices,
                    widget=forms.RadioSelect,
                    required=False,
                    initial=current.answer if current else None,
                )
                self.fields[note_field_name(question.code)] = forms.CharField(
                    label=_("Note"),
                    required=False,
                    max_length=2000,
                    initial=current.note if current else "",
                )

    def groups(self):
        return [
            (
                group,
                [
                    (question, self[answer_field_name(question.code)], self[note_field_name(question.code)])
                    for question in group.questions
                ],
            )
            for group in GROUPS
        ]

    def answers(self) -> dict:
        """The questions answered in the form, as the service takes them."""
        return {
            question.code: {
                "answer": self.cleaned_data[answer_field_name(question.code)],
                "note": self.cleaned_data[note_field_name(question.code)],
            }
            for group in GROUPS
            for question in group.questions
            if self.cleaned_data.get(answer_field_name(question.code))
        }


class RestrictionForm(forms.Form):
    restriction_kept = forms.TypedChoiceField(
        label=_("How the restriction is settled"),
        choices=[
            ("no", _("The draft is changed (answer “No” again once it is)")),
            ("yes", _("Kept under an exception")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    exception = forms.ChoiceField(
        label=_("Exception relied on"), choices=[("", "—")], required=False, widget=forms.RadioSelect
    )
    exception_term = forms.CharField(label=_("Term of the exception"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exception"].choices = exception_choices()


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Review conclusion"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
