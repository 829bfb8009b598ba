"""The second factor for staff (TOTP, django-otp): with `OTP_REQUIRED` (on in production), a staff member who logged
in with a password enrolls an authenticator app once and then gives its code at every login; until then every
staff page sends them here. Enrolment and each failure are recorded in the ledger."""

import base64

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accountability.ledger import record_event


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Code from your authenticator app"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": gettext_lazy("Enter the six digits your authenticator app shows.")},
    )


def otp_required_for(user) -> bool:
    return bool(getattr(settings, "OTP_REQUIRED", False)) and user.is_authenticated


def _secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (base32)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


@login_required
def verify(request):
    """Enrol (no confirmed device yet) or give the code of the enrolled device."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record_event(actor=request.user, action="accounts.otp_enrolled", obj=request.user)
            otp_login(request, device)
            target = request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = "/manage/"
            return redirect(target)
        record_event(actor=request.user, action="accounts.otp_failed", obj=request.user)
        form.add_error("token", _("That code is not valid (or was used already); try the next one."))
    return render(
        request,
        "registration/otp.html",
        {
            "form": form,
            "enrolling": not device.confirmed,
            "secret": None if device.confirmed else _secret(device),
            "config_url": None if device.confirmed else device.config_url,
        },
        status=400 if form.errors else 200,
    )
