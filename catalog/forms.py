"""The catalog's forms (staff workspace). They carry the bounds the services check; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.bounds import DateBounds, validate_year
from decisions.forms import CollectiveDecisionForm
from decisions.models import Decision
from decisions.procedure import ENDED_STATES, MeetingOutcome

from .models import Catalog, CatalogEntry, Suggestion, SuggestionWindow
from .services import ENTRY_FIELDS


class CatalogForm(forms.ModelForm):
    class Meta:
        model = Catalog
        fields = ["year", "publish_confidential_count"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].validators.append(validate_year)


class EntryForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required while the catalog is being adjusted."),
    )

    class Meta:
        model = CatalogEntry
        fields = list(ENTRY_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "confidential_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organ: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["undertaking_unit"].queryset = Organization.objects.filter(
            parent=organ, kind=Organization.Kind.DEPARTMENT
        ).order_by("code")

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ENTRY_FIELDS}


class NewEntryForm(EntryForm):
    """A new entry: its own, or taken from a suggestion, or an existing proposed decision of the organ."""

    suggestion = forms.ModelChoiceField(
        label=_("From a suggestion"), queryset=Suggestion.objects.none(), required=False
    )
    decision = forms.ModelChoiceField(
        label=_("An existing proposed decision"), queryset=Decision.objects.none(), required=False
    )

    def __init__(self, *args, organ: Organization, catalog: Catalog, **kwargs):
        super().__init__(*args, organ=organ, **kwargs)
        # Taken from a decision, these are the decision's; otherwise the service asks for them at the field.
        for name in ("title", "scope_category", "undertaking_unit"):
            self.fields[name].required = False
        self.fields["suggestion"].queryset = Suggestion.objects.filter(
            window__organ=organ, answer="", is_hidden=False
        ).order_by("id")
        self.fields["decision"].queryset = (
            Decision.objects.filter(organ=organ, year=catalog.year, catalog_entry__isnull=True)
            .exclude(status__in=ENDED_STATES)
            .order_by("number")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[("approve", _("Approve")), ("return", _("Return with a comment"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("verdict") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Returning an entry needs a comment."))
        return data


class ApprovalForm(CollectiveDecisionForm):
    """The executive meeting that approves the catalog: the same record, and checks, as a decision's collective
    discussion (each member's view in the order spoken, the head last). A catalog is approved as it stands or sent
    back: no "adopted with changes" (catalog.services.record_approval)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["required_changes"]
        self.fields["outcome"].choices = [
            choice for choice in MeetingOutcome.choices if choice[0] != MeetingOutcome.ADOPTED_WITH_CHANGES
        ]


class WindowForm(forms.ModelForm):
    class Meta:
        model = SuggestionWindow
        fields = ["year", "opens_on", "closes_on", "description"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].validators.append(validate_year)
        self.fields["opens_on"].validators.append(DateBounds())
        self.fields["closes_on"].validators.append(DateBounds())

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The window cannot close before it opens."))
        return data


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (Suggestion.Answer.TAKEN, _("Taken into the catalog")),
            (Suggestion.Answer.NOT_TAKEN, _("Not taken into the catalog")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
