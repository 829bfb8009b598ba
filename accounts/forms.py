"""Forms of the staff's own account."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField

# A username is at most 150 characters (the user model's own bound, below the 255 of django-axes' lockout table): a
# longer one is a form error, never a failed login that the lockout table cannot record (PostgreSQL refuses it).
USERNAME_MAX_LENGTH = 150


class LoginForm(AuthenticationForm):
    """Django's login form, its username bounded (`UsernameField` strips it and, as every CharField, refuses the NUL
    character): a bad username is refused before authentication and django-axes ever see it."""

    username = UsernameField(max_length=USERNAME_MAX_LENGTH, widget=forms.TextInput(attrs={"autofocus": True}))
