"""Plain forms shaping what the hearing's pages, the portal and the API send to `participation.hearings`, which check
everything again (limits, dates, who may act) and refuse on the same field names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HearingApplication


class AnnounceForm(forms.Form):
    matter = forms.CharField(label=_("Matter of the hearing"), max_length=300)
    starts_at = forms.DateTimeField(
        label=_("Time of the hearing"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
    )
    place = forms.CharField(label=_("Place"), max_length=300)
    how_to_apply = forms.CharField(label=_("How to apply"), widget=forms.Textarea(attrs={"rows": 3}))
    applications_close_on = forms.DateField(
        label=_("Applications close on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Before the day the materials are due (the organ's minimum days, 7, before the hearing)."),
    )
    selection_method = forms.CharField(
        label=_("How participants are selected"), widget=forms.Textarea(attrs={"rows": 3})
    )
    seats = forms.IntegerField(label=_("Number of participants"), min_value=1, max_value=500)


class SelectionForm(forms.Form):
    selected = forms.ModelMultipleChoiceField(
        label=_("Participants selected"),
        queryset=HearingApplication.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    result = forms.CharField(
        label=_("Result of the selection (published)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published on the portal as written: name nobody who has not agreed to it."),
    )
    reason = forms.CharField(
        label=_("Why an interest that applied has nobody selected (published)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, hearing=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hearing is not None:
            self.fields["selected"].queryset = hearing.applications.order_by("submitted_at", "id")
            self.fields["selected"].label_from_instance = lambda a: f"{a.receipt_number} · {a.interest} · {a.name}"


class MaterialsForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Materials sent to participants on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class StatementForm(forms.Form):
    participant = forms.ModelChoiceField(
        label=_("participant"),
        queryset=HearingApplication.objects.none(),
        required=False,
        empty_label=_("An official (name them below)"),
    )
    speaker = forms.CharField(
        label=_("Speaker"),
        max_length=100,
        required=False,
        help_text=_("An official with their role; empty for a participant: their name."),
    )
    text = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, hearing=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hearing is not None:
            self.fields["participant"].queryset = hearing.applications.filter(
                outcome=HearingApplication.Outcome.SELECTED
            ).order_by("submitted_at", "id")
            self.fields["participant"].label_from_instance = lambda a: f"{a.name} ({a.interest})"


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Public reason for the cancellation"), widget=forms.Textarea(attrs={"rows": 2}))


class ApplicationForm(forms.Form):
    """An application to take part in a hearing (the portal's form and the API)."""

    name = forms.CharField(label=_("Name"), max_length=50, help_text=_("Not published."))
    contact = forms.CharField(
        label=_("Contact"),
        max_length=100,
        help_text=_(
            "A telephone number or an e-mail address: not published; with the receipt number it reads the outcome."
        ),
    )
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
    interest = forms.CharField(
        label=_("Interest represented"),
        max_length=100,
        help_text=_("Whom you speak for, e.g. residents, operators, consumers."),
    )
    statement = forms.CharField(
        label=_("What they wish to say"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class ApplicationReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=30)
    contact = forms.CharField(label=_("The telephone or e-mail you gave"), max_length=100)


HEARING_FORMS = (
    AnnounceForm,
    SelectionForm,
    MaterialsForm,
    StatementForm,
    CancelForm,
    ApplicationForm,
    ApplicationReceiptForm,
)
