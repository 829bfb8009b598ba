"""The satisfaction survey's forms: its set-up (staff) and the anonymous answer (the portal and the API). The fields
are optional where the service checks the rule, so the refusal people see is the service's one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SatisfactionSurvey
from .surveys import COMMENT_MAX, INTRODUCTION_MAX, RATING_LABELS, TITLE_MAX, questions_of, rating_field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SurveySetUpForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, widget=forms.TextInput(attrs={"maxlength": TITLE_MAX}))
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": INTRODUCTION_MAX}),
        help_text=_("What the survey is about and how its results are used (shown above the statements)."),
    )
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DateInput())
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=DateInput(), help_text=_("At most 90 days after it opens.")
    )
    questions = forms.CharField(
        label=_("Statements to rate"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One statement a line, up to 20; each is rated from 1 (very dissatisfied) to 5 (very satisfied)."),
    )

    @staticmethod
    def initial_for(survey: SatisfactionSurvey) -> dict:
        return {
            "title": survey.title,
            "introduction": survey.introduction,
            "opens_on": survey.opens_on,
            "closes_on": survey.closes_on,
            "questions": "\n".join(q.text for q in questions_of(survey)),
        }

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "introduction": data["introduction"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "questions": data["questions"].splitlines(),
        }


class SurveyAnswerForm(forms.Form):
    """One radio group of 1–5 for each statement (`question_<id>`), and a comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX}),
        help_text=_("At most 2,000 characters. Please write no name, telephone number or address."),
    )

    def __init__(self, *args, survey: SatisfactionSurvey, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions_of(survey)
        comment = self.fields.pop("comment")
        for question in self.questions:
            self.fields[rating_field(question)] = forms.TypedChoiceField(
                label=question.text,
                choices=RATING_LABELS,
                coerce=int,
                empty_value=None,
                required=False,  # the service names every statement left unrated
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = comment

    def rating_fields(self):
        return [self[rating_field(question)] for question in self.questions]

    def ratings(self) -> dict[int, int | None]:
        return {question.pk: self.cleaned_data.get(rating_field(question)) for question in self.questions}
