from django import forms
from django.utils.translation import gettext_lazy as _

from decisions.bounds import recent_date_bounds
from decisions.forms import StepRecordForm

from .models import Clause, Comment, Consultation, Hearing, OpinionAnswer


class ConsultationForm(StepRecordForm):
    # A comment period is recorded while it is under way: it starts and ends at most a year from today.
    date_bounds = {"comment_start": recent_date_bounds, "comment_end": recent_date_bounds}

    class Meta:
        model = Consultation
        fields = [
            "comment_start",
            "comment_end",
            "short_period_reason",
            "channels",
            "comments_received",
            "feedback_summary",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status != Consultation.Status.DRAFT:
            # Set up in the consultation's workspace: the period, the opinions and the feedback report are recorded
            # there (participation.services, participation.feedback), not typed here.
            self.fields.clear()


class HearingForm(StepRecordForm):
    # A hearing is recorded around the time it is held: at most a year from today. The rest (the announcement, the
    # selection, the record and its confirmations) is set by participation.hearings on the hearing's page, and once
    # announced these dates follow from it too (steps.hearing_record_refusal).
    date_bounds = {"hearing_date": recent_date_bounds, "materials_sent_on": recent_date_bounds}

    class Meta:
        model = Hearing
        fields = ["hearing_date", "materials_sent_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # set by the hearing's services; required again when submitted
            field.required = False


# ---------------------------------------------------------------- the consultation and its opinions
# Plain forms shaping what the pages and the API send to `participation.services`, which check everything again
# (limits, the period, who may act) and refuse on the same field names.


class ConsultationSetUpForm(forms.Form):
    title = forms.CharField(label=_("Title of the draft"), max_length=300)
    draft_text = forms.CharField(
        label=_("Text of the draft"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Paste the text (章, 条 and 款 are recognised), or give it as a .docx file below."),
    )
    draft_file = forms.FileField(label=_("Or the draft as a .docx file"), required=False)
    explanation = forms.CharField(label=_("Explanation of the draft"), widget=forms.Textarea(attrs={"rows": 6}))
    questions = forms.CharField(label=_("Questions asked"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    channels = forms.CharField(label=_("Where the draft and its explanation were published"), max_length=500)
    comment_start = forms.DateField(label=_("Comment period starts"))
    comment_days = forms.IntegerField(
        label=_("Comment period (days)"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("Empty: the organ's minimum (30 days). The end is computed, on a working day."),
    )
    urgency_reason = forms.CharField(
        label=_("Public reason for a shorter period"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("draft_text") and not cleaned.get("draft_file") and "draft_text" not in self.errors:
            self.add_error("draft_text", _("Give the text of the draft, or its .docx file."))
        return cleaned


class _OpinionForm(forms.Form):
    """An opinion, on the draft as a whole or on one of its clauses (`consultation=` gives the clauses)."""

    clause = forms.ModelChoiceField(
        label=_("clause"), queryset=Clause.objects.none(), required=False, empty_label=_("The draft as a whole")
    )
    text = forms.CharField(label=_("Opinion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Name"), max_length=50)
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)

    def __init__(self, *args, consultation: Consultation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if consultation is not None:
            self.fields["clause"].queryset = consultation.clauses.order_by("order")


class CommentForm(_OpinionForm):
    contact = forms.CharField(label=_("Contact"), max_length=100, help_text=_("Not published."))
    # Checked by type, content and size by the service (participation.services._checked_attachment).
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, OFD, Word, Excel or an image, at most 10 MB. Not published."),
    )


class OfflineOpinionForm(_OpinionForm):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(value, label) for value, label in Comment.Channel.choices if value != "online"]
    )
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)


class OpinionAnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), choices=[c for c in OpinionAnswer.choices if c[0]])
    reason = forms.CharField(label=_("Reason of the answer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OpinionReasonForm(forms.Form):
    """Hiding an opinion, withdrawing a consultation: a reason."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ThemeForm(forms.Form):
    title = forms.CharField(label=_("Theme"), max_length=200)


class ThemeAssignForm(forms.Form):
    comments = forms.ModelMultipleChoiceField(label=_("opinions"), queryset=Comment.objects.none())

    def __init__(self, *args, consultation: Consultation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if consultation is not None:
            self.fields["comments"].queryset = consultation.comments.order_by("submitted_at", "id")


PARTICIPATION_FORMS = (
    ConsultationSetUpForm,
    CommentForm,
    OfflineOpinionForm,
    OpinionAnswerForm,
    OpinionReasonForm,
    ThemeForm,
    ThemeAssignForm,
)
