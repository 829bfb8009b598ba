"""The forms of the administrators' pages in the staff workspace (/manage/people/, /manage/organizations/). Shapes
only: the rules (三员分立, the two-person rule, the organ's scope, confirming a move) are `accounts.services`'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organization, User
from .roles import Role


class NewPersonForm(forms.Form):
    """A new member of the organ: no password is chosen (a one-time password is issued and shown once), no roles
    given (the security administrator gives them)."""

    username = forms.CharField(label=_("Username"), max_length=150)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    display_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class PersonForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        label=_("Account"),
        choices=[("1", _("Enable")), ("0", _("Disable"))],
        coerce=lambda value: value == "1",
    )


class IssuePasswordForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Issue a one-time password (shown once; the user must replace it at first login)"), required=True
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OrganizationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organization.Kind.choices)


class NewOrganizationForm(OrganizationForm):
    parent = forms.ModelChoiceField(label=_("Parent"), queryset=Organization.objects.none())

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = organizations


class ConfirmedField(forms.Field):
    """The list of scope changes the administrator saw and confirms (hidden inputs, one per change)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(item) for item in value or []]

    def validate(self, value):
        super().validate(value)
        if any("\x00" in item for item in value):
            raise forms.ValidationError(_("Null characters are not allowed."))


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("New parent"), queryset=Organization.objects.none())
    confirmed = ConfirmedField(required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = organizations
