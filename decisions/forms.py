"""Forms of the staff workspace. They check shapes and types; the rules are checked by the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

from .bounds import DateBounds, date_bounds, past_date_bounds, validate_year, year_bounds
from .models import (
    Decision,
    Document,
    Execution,
    ExecutionProblemReport,
    MeetingSession,
    Publication,
    SuperiorReport,
)
from .procedure import (
    AdjustmentPurpose,
    MeetingOutcome,
    MemberView,
)
from .services import DECISION_FIELDS
from .services.meetings import MAX_MEETING_MEMBERS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = DECISION_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "confidential_reason": forms.Textarea(attrs={"rows": 2}),
            "term_end": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        # The bounds the services check (decisions/bounds.py), shown at the field.
        earliest, latest = year_bounds()
        self.fields["year"].validators.append(validate_year)
        self.fields["year"].widget.attrs.update(min=earliest, max=latest)
        self.fields["term_end"].validators.append(DateBounds())


class StepRecordForm(forms.ModelForm):
    """The shape every step's record form shares (each step app adds only its own fields): dates as date inputs
    within their bounds, text areas for long text, and the bodies it may name limited to those the page offers."""

    # A field's date bounds when they are narrower than 2000-01-01 … today + 20 years (decisions/bounds.py).
    date_bounds: dict = {}

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                field.validators.append(DateBounds(self.date_bounds.get(name, date_bounds)))
            elif isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
            elif isinstance(field, forms.ModelChoiceField):
                field.queryset = organizations if organizations is not None else field.queryset.none()


class SuperiorReportForm(StepRecordForm):
    """The report as sent (to whom, when; the report itself is the step's document) and the response received."""

    class Meta:
        model = SuperiorReport
        fields = ["recipient", "reported_on", "response_received_on", "summary"]
        help_texts = {"recipient": _("E.g. the municipal party committee's standing committee.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("reported_on", "response_received_on"):
            self.fields[name].required = True


class CongressReportForm(SuperiorReportForm):
    class Meta(SuperiorReportForm.Meta):
        labels = {"summary": _("Standing committee's response")}
        help_texts = {"recipient": _("E.g. the standing committee of the municipal people's congress.")}


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, OFD, Word, Excel, PNG or JPEG."))
    is_public = forms.BooleanField(label=_("May be published"), required=False)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConfidentialityForm(CommentForm):
    """The legal office's answer to a claim of confidentiality: confirm or refuse, with a comment."""

    decision = forms.ChoiceField(label=_("Answer"), choices=[("confirm", _("Confirm")), ("refuse", _("Refuse"))])


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(forms.Form):
    """A transition that needs nothing but the click."""


class MemberViewForm(forms.Form):
    name = forms.CharField(label=_("member"), max_length=100)
    view = forms.ChoiceField(label=_("view"), choices=[("", "—"), *MemberView.choices])
    remarks = forms.CharField(label=_("remarks"), required=False, max_length=1000)


# Each member's view, one row each in the order spoken; blank rows are left out.
MemberViewFormSet = forms.formset_factory(MemberViewForm, extra=6, min_num=1, validate_min=True, max_num=100)


class CollectiveDecisionForm(forms.Form):
    """The meeting, and its members' views as a formset (`members`): from the page, rows `members-N-name|view|remarks`;
    from the API, a JSON list `members: [{name, view, remarks}]`."""

    meeting_name = forms.CharField(label=_("Meeting"), initial=_("Executive meeting"), max_length=200)
    meeting_date = forms.DateField(
        label=_("Meeting date"), widget=DATE_INPUT, validators=[DateBounds(past_date_bounds)]
    )
    members_total = forms.IntegerField(
        label=_("Number of the meeting's members"),
        min_value=1,
        max_value=MAX_MEETING_MEMBERS,
        help_text=_("All members of the executive (or plenary) meeting, present or not: the quorum is counted on it."),
    )
    head_name = forms.CharField(label=_("Head (presiding, speaks last)"), max_length=100)
    head_statement = forms.CharField(label=_("Head's concluding view"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MeetingOutcome.choices)
    head_departure_reason = forms.CharField(
        label=_("Reason, if the head's decision differs from the majority"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required_changes = forms.CharField(
        label=_("Changes required, if adopted with changes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What must change in the text before it is published; one change a line."),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.members = MemberViewFormSet(self._members_data(data), prefix="members")

    @staticmethod
    def _members_data(data):
        if data is None or not isinstance(data.get("members"), list):
            return data
        rows = data["members"]  # JSON: a list of {name, view, remarks}
        flat = {"members-TOTAL_FORMS": str(len(rows)), "members-INITIAL_FORMS": "0"}
        for number, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            flat |= {f"members-{number}-{key}": row.get(key, "") for key in ("name", "view", "remarks")}
        return flat

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.members.is_valid()])  # both, so both show their errors

    @property
    def errors(self):
        errors = super().errors
        if self.is_bound and not self.members.is_valid() and "members" not in errors:
            problems = [str(error) for error in self.members.non_form_errors()] + [
                f"{number}：{' '.join(str(e) for messages in row.values() for e in messages)}"
                for number, row in enumerate(self.members.errors, start=1)
                if row
            ]
            errors["members"] = self.error_class(problems)
        return errors

    def clean(self):
        cleaned = super().clean()
        if self.members.is_valid():
            cleaned["members"] = [row.cleaned_data for row in self.members.forms if row.cleaned_data]
        return cleaned


class PublishForm(forms.Form):
    # Not required here: the service refuses an empty choice with its rule (`publication.media`).
    media = forms.MultipleChoiceField(
        label=_("Published in"),
        choices=Publication.Medium.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.CharField(
        label=_("Channels"),
        max_length=300,
        help_text=_("Which gazette, website column or newspaper, by name."),
    )
    published_on = forms.DateField(
        label=_("Published on"), widget=DATE_INPUT, validators=[DateBounds(past_date_bounds)]
    )
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    issue_number = forms.CharField(
        label=_("Gazette or newspaper issue"),
        required=False,
        max_length=100,
        help_text=_("Required when published in the gazette or a newspaper."),
    )
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("Required when published on the government website."),
    )
    opinions_explanation = forms.CharField(
        label=_("How public and expert opinions were adopted"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StartExecutionForm(forms.Form):
    execution_unit = forms.ModelChoiceField(label=_("Execution unit"), queryset=Organization.objects.none())
    report_cadence = forms.ChoiceField(
        label=_("Progress reports"),
        choices=Execution.Cadence.choices,
        required=False,
        initial=Execution.Cadence.QUARTERLY,
        help_text=_("How often the execution unit reports its progress (Art. 34–35); quarterly when left empty."),
    )
    cooperating_units = forms.ModelMultipleChoiceField(
        label=_("Cooperating units"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Other units of the organ that help the execution unit (Art. 34)."),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["execution_unit"].queryset = organizations
            self.fields["cooperating_units"].queryset = organizations


class AdjustmentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=AdjustmentPurpose.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    purpose = forms.ChoiceField(
        label=_("The follow-up adjustment"),
        choices=AdjustmentPurpose.choices,
        required=False,
        initial=AdjustmentPurpose.CHANGE,
        help_text=_("Art. 37: suspending opens the adjustment that decides what becomes of the decision."),
    )


# ---------------------------------------------------------------- an executive meeting with its agenda


class MeetingSessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingSession.Kind.choices)
    name = forms.CharField(label=_("Meeting"), max_length=200, help_text=_("e.g. 市人民政府第12次常务会议"))
    held_on = forms.DateField(label=_("Meeting date"), widget=DATE_INPUT, validators=[DateBounds(past_date_bounds)])
    members_total = forms.IntegerField(
        label=_("Number of the meeting's members"), min_value=1, max_value=MAX_MEETING_MEMBERS
    )
    head_name = forms.CharField(label=_("Head (presiding, speaks last)"), max_length=100)
    attendance = forms.CharField(
        label=_("Members present"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("One name a line.")
    )
    absent = forms.CharField(
        label=_("Members absent and why"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    observers = forms.CharField(
        label=_("Observers (legal office, public observers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line, with their capacity."),
    )


class AgendaItemRecordForm(forms.Form):
    """One item's discussion: the members' views in order (a formset, as for a single discussion), the head's
    statement and decision; the meeting gives its name, date, members and head."""

    head_statement = forms.CharField(label=_("Head's concluding view"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MeetingOutcome.choices)
    head_departure_reason = forms.CharField(
        label=_("Reason, if the head's decision differs from the majority"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required_changes = forms.CharField(
        label=_("Changes required, if adopted with changes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What must change in the text before it is published; one change a line."),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)  # prefix: one form per agenda item on the page
        self.members = MemberViewFormSet(data, prefix=f"{self.prefix}-members" if self.prefix else "members")

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.members.is_valid()])

    def clean(self):
        cleaned = super().clean()
        if self.members.is_valid():
            cleaned["members"] = [row.cleaned_data for row in self.members.forms if row.cleaned_data]
        return cleaned


# ---------------------------------------------------------------- problem reports on execution (Art. 35)


class ProblemReportForm(forms.Form):
    """A problem in the execution of a decision, as the public reports it (the portal adds a honeypot); the lengths
    and the contact are checked by the service (`services.problem_reports.clean_report`)."""

    name = forms.CharField(label=_("Name or organization (optional)"), required=False, help_text=_("Not published."))
    contact = forms.CharField(
        label=_("Telephone or e-mail"),
        help_text=_("Not published. With the receipt number it shows the answer."),
    )
    content = forms.CharField(
        label=_("The problem"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What goes wrong in carrying out the decision, 5 to 5,000 characters. Not published."),
    )
    place = forms.CharField(label=_("Where (optional)"), required=False, help_text=_("A street, a stop, a place."))


class ProblemReportAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class ProblemReportHideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is hidden"),
        help_text=_("Not about the execution, spam or abuse; the reporter reads this reason."),
    )


class ProblemReportLookupForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt number"), max_length=32)
    contact = forms.CharField(label=_("The telephone or e-mail you gave"), max_length=100)


PROBLEM_REPORT_STATUS_FILTERS = (("", _("All")), *ExecutionProblemReport.Status.choices)


class ProblemReportFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PROBLEM_REPORT_STATUS_FILTERS, required=False)
