from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NoticePreference


class EmailModeForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("Notices by e-mail"), choices=NoticePreference.Mode.choices, widget=forms.RadioSelect
    )
