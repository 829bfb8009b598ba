"""The forms of co-signing (Decree 713 Art. 13): plain forms shaping what the pages send to `review.cosigning`, which
checks everything again (whom, the deadline, who may answer) and refuses on the same field names."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.forms import DATE_INPUT

from .cosigning import GIVEN_ANSWERS, MIN_REPLY_WORKING_DAYS, co_signing_candidates
from .models import CoSigningRequest


class SendForCoSigningForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Departments and governments whose duties the draft touches"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    due_on = forms.DateField(
        label=_("Answers due by"),
        widget=DATE_INPUT,
    )

    def __init__(self, *args, decision, asked=(), **kwargs):
        super().__init__(*args, **kwargs)
        candidates = [org for org in co_signing_candidates(decision) if org.pk not in set(asked)]
        self.fields["organizations"].queryset = Organization.objects.filter(pk__in=[org.pk for org in candidates])
        self.fields["due_on"].help_text = gettext("A working day, at least %(days)s working days after today.") % {
            "days": MIN_REPLY_WORKING_DAYS
        }


class CoSigningAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[(value, CoSigningRequest.Answer(value).label) for value in GIVEN_ANSWERS],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("The changes asked for, or the reasons for disagreeing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Needed when agreeing with changes or disagreeing."),
    )


class UnitViewForm(forms.Form):
    unit_view = forms.CharField(
        label=_("The undertaking unit's view"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resolved = forms.BooleanField(label=_("Resolved after talks"), required=False)
