from decisions.bounds import recent_date_bounds
from decisions.forms import StepRecordForm

from .models import Consultation, Hearing


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


class HearingForm(StepRecordForm):
    # A hearing is recorded around the time it is held: at most a year from today.
    date_bounds = {"hearing_date": recent_date_bounds, "materials_sent_on": recent_date_bounds}

    class Meta:
        model = Hearing
        fields = [
            "hearing_date",
            "materials_sent_on",
            "selection_method_published",
            "participants_published",
            "record_signed",
        ]
