"""The field robots fill: hidden from people (CSS and aria-hidden), so a form that comes back with it filled in was
sent by a robot and is refused, storing nothing. Shared by every public form of the portal."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class HoneypotForm(forms.Form):
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"] = self.fields.pop("website")  # last, after the fields people fill in

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website") or self.data.get("website"):
            raise ValidationError(
                _("The form was not sent: a field that must stay empty was filled in. Reload the page and try again."),
                code="honeypot",
            )
        return cleaned
