from django import forms
from django.utils.translation import gettext_lazy as _

from decisions.bounds import date_message, recent_date_bounds
from decisions.forms import DATE_INPUT, StepRecordForm
from decisions.procedure import LegalityOpinion

from .models import (
    AdviserOpinion,
    CoSigningRequest,
    DepartmentConsultation,
    ExpertAssignment,
    ExpertReview,
    FairCompetitionReview,
    RiskAssessment,
)
from .risk import run_in_workspace
from .services import MAX_REVIEW_WORKING_DAYS


class ExpertReviewForm(StepRecordForm):
    class Meta:
        model = ExpertReview
        fields = ["experts", "assessing_org", "conflicts_declared", "opinion_summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        step_id = self.instance.step_id
        if step_id and ExpertAssignment.objects.filter(step_id=step_id).exists():
            # Experts drawn or chosen in the expert workspace: who they are and their declarations follow from the
            # assignments (review.experts.sync_record), not typed here.
            for name in ("experts", "conflicts_declared"):
                self.fields.pop(name, None)


class RiskAssessmentForm(StepRecordForm):
    class Meta:
        model = RiskAssessment
        fields = ["risk_level", "controllable", "assessing_org", "measures"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if run_in_workspace(self.instance):
            # Run in the risk workspace: who assessed, the level and whether it is controllable are recorded there
            # (review.risk); the form keeps the summary of the measures and the response plan.
            for name in ("risk_level", "controllable", "assessing_org"):
                self.fields.pop(name, None)


class FairCompetitionReviewForm(StepRecordForm):
    class Meta:
        model = FairCompetitionReview
        fields = ["conclusion"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.answers.exists():
            # Answered in the checklist workspace: the conclusion is kept there (review.fair_competition).
            self.fields.clear()


class DepartmentConsultationForm(StepRecordForm):
    # The answers are asked for around the time the draft is sent: at most a year from today.
    date_bounds = {"reply_due_on": recent_date_bounds}

    class Meta:
        model = DepartmentConsultation
        fields = ["units_consulted", "reply_due_on", "disagreements"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        step_id = self.instance.step_id
        if step_id and CoSigningRequest.objects.filter(step_id=step_id).exists():
            # Sent for co-signing in the workspace: who was asked, the answers, the disagreements and the deadline
            # follow from the requests (review.cosigning), not typed here.
            self.fields.clear()


class RequestLegalityReviewForm(forms.Form):
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    procedure_statement = forms.CharField(
        label=_("Statement of the procedures followed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_working_days = forms.IntegerField(
        label=_("Review period (working days)"),
        required=False,
        min_value=1,
        max_value=MAX_REVIEW_WORKING_DAYS,
        help_text=_("Leave empty for the organ's minimum (7 working days under Decree 713)."),
    )
    urgency_reason = forms.CharField(
        label=_("Urgency reason (for a shorter period)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LegalityOpinionForm(forms.Form):
    opinion = forms.ChoiceField(label=_("Opinion"), choices=LegalityOpinion.choices)
    opinion_text = forms.CharField(label=_("Review opinion"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    required_changes = forms.CharField(
        label=_("Changes required"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    legal_risk = forms.CharField(
        label=_("Legal risk (exploratory reform)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    advisers_consulted = forms.CharField(
        label=_("Legal advisers and public lawyers consulted"), required=False, max_length=500
    )


# ---------------------------------------------------------------- legality review workspace (review.legality)


class AdviserOpinionForm(forms.Form):
    """Art. 27: the opinion of a legal adviser or public lawyer the legal office consulted."""

    adviser = forms.CharField(label=_("Adviser"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AdviserOpinion.Kind.choices)
    asked_on = forms.DateField(label=_("Asked on"), widget=DATE_INPUT)
    opinion = forms.CharField(label=_("Opinion"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        earliest, latest = recent_date_bounds()
        for name in ("asked_on", "answered_on"):
            value = cleaned.get(name)
            if value is not None and not earliest <= value <= latest:
                self.add_error(name, date_message(earliest, latest))
        return cleaned


class ChangeNoteForm(forms.Form):
    """Art. 28: what the undertaking unit changed in the draft for one required change."""

    note = forms.CharField(label=_("What was changed"), max_length=20000, widget=forms.Textarea(attrs={"rows": 2}))
