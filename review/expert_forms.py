"""Plain forms shaping what the expert pages send to `review.experts`, which checks everything again (the limits, who
may act, the declaration before the opinion) and refuses on the same field names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role

from . import experts
from .models import Expert, ExpertAssignment


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=experts.NAME_MAX)
    fields_ = forms.CharField(
        label=_("Fields of expertise"),
        max_length=experts.FIELDS_MAX,
        help_text=_("Separated by 、 or commas; a draw matches one of them."),
    )
    institution = forms.CharField(label=_("Institution"), max_length=experts.INSTITUTION_MAX)
    title = forms.CharField(label=_("Professional title"), max_length=experts.TITLE_MAX, required=False)
    contact = forms.CharField(
        label=_("Contact"), max_length=experts.CONTACT_MAX, help_text=_("Personal information: shown masked in lists.")
    )
    available = forms.BooleanField(label=_("Available for assignments"), required=False, initial=True)
    declared_interests = forms.CharField(
        label=_("Interests declared"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Companies, associations, units: a draw excludes the expert from their matters."),
    )
    user = forms.ModelChoiceField(
        label=_("Account (to log in and see the assignments)"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(groups__name=Role.EXPERT, is_active=True).order_by(
            "username"
        )

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["fields"] = values.pop("fields_")
        return values

    @staticmethod
    def initial_of(expert: Expert) -> dict:
        return {
            "name": expert.name,
            "fields_": expert.fields,
            "institution": expert.institution,
            "title": expert.title,
            "contact": expert.contact,
            "available": expert.available,
            "declared_interests": expert.declared_interests,
            "user": expert.user_id,
        }


class ExpertStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Expert.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ExpertImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of experts (XLSX)"),
        help_text=_("One expert a row, below a header row naming the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class DrawForm(forms.Form):
    field = forms.CharField(label=_("Field of expertise"), max_length=experts.FIELD_MAX)
    number = forms.IntegerField(label=_("Number of experts"), min_value=1, max_value=experts.MAX_DRAWN, initial=3)
    seed = forms.CharField(
        label=_("Seed (optional)"),
        max_length=experts.SEED_MAX,
        required=False,
        help_text=_("Empty: a random seed is drawn. The seed and the candidates are kept, so anyone can re-run it."),
    )


class ManualChoiceForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"), queryset=Expert.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Reason for choosing by hand"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organ=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organ is not None:
            self.fields["experts"].queryset = Expert.objects.filter(organ=organ, status=Expert.Status.ACTIVE)


class DeclarationForm(forms.Form):
    declaration = forms.ChoiceField(
        label=_("Declaration"),
        choices=[
            (ExpertAssignment.Declaration.NO_CONFLICT, _("I have no direct interest in this matter")),
            (ExpertAssignment.Declaration.DIRECT_INTEREST, _("I have a direct interest in this matter")),
        ],
        widget=forms.RadioSelect,
    )
    interest_statement = forms.CharField(
        label=_("The interest (when there is one)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExpertOpinionForm(forms.Form):
    opinion = forms.ChoiceField(label=_("Opinion"), choices=[c for c in ExpertAssignment.Opinion.choices if c[0]])
    text = forms.CharField(label=_("Opinion text"), widget=forms.Textarea(attrs={"rows": 8}))
    document = forms.FileField(
        label=_("Signed document (optional)"), required=False, help_text=_("PDF, OFD or Word, at most 10 MB.")
    )


class UsageForm(forms.Form):
    usage = forms.ChoiceField(label=_("How it was used"), choices=[c for c in ExpertAssignment.Usage.choices if c[0]])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
