"""The follow forms of the portal: an e-mail address (its purpose stated), a field robots fill, and for an organ's
catalog the organ. What follows from them is `notifications.follow`'s."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.follow import PURPOSE, followable_organs

from .honeypot import HoneypotForm


class FollowForm(HoneypotForm):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=PURPOSE,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


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
