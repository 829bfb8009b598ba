from decisions.forms import StepRecordForm

from .models import Consultation, Hearing


class ConsultationForm(StepRecordForm):
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


class HearingForm(StepRecordForm):
    class Meta:
        model = Hearing
        fields = [
            "hearing_date",
            "materials_sent_on",
            "selection_method_published",
            "participants_published",
            "record_signed",
        ]
