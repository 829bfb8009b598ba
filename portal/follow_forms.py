"""The follow forms of the portal: an e-mail address (its purpose stated), a field robots fill, and for an organ's
catalog the organ. What follows from them is `notifications.follow`'s."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from notifications.follow import PURPOSE, followable_organs


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=PURPOSE,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The honeypot: hidden from people (CSS and aria-hidden); a robot that fills every field gives itself away.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website") or self.data.get("website"):
            raise ValidationError(
                _("The form was not sent: a field that must stay empty was filled in. Reload the page and try again."),
                code="honeypot",
            )
        return cleaned


class OrganFollowForm(FollowForm):
    organ = forms.ModelChoiceField(
        label=_("Decision organ"),
        queryset=followable_organs(),
        empty_label=None,
        help_text=_(
            "You are told when the organ publishes its catalog, and when a decision enters it or is published."
        ),
    )

    field_order = ["organ", "email", "website"]
