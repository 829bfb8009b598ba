"""What every staff request passes through: session lifetimes, a password that must be changed, no caching.

- A session ends after `SESSION_IDLE_TIMEOUT` seconds without a request (30 minutes by default) and, whatever the
  activity, `SESSION_ABSOLUTE_LIFETIME` seconds after login (8 hours); the user logs in again.
- With `OTP_REQUIRED` (production), a staff member gives the second factor before any staff page (`accounts.otp`).
- A user given a one-time password (`accounts.services.issue_one_time_password`) changes it before anything else.
- Staff pages, the API and downloads are never stored by browsers or proxies (`Cache-Control: no-store`).
A disabled account's sessions end at once: Django's authentication backends refuse inactive users on every request.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .otp import otp_required_for

LOGGED_IN_AT, LAST_SEEN = "juece_logged_in_at", "juece_last_seen"
PRIVATE_PREFIXES = ("/manage/", "/api/", "/admin/", "/accounts/")
# The open data (/api/v1/open/: anonymous, published decisions only) may be stored by proxies: it sets its own headers.
PUBLIC_PREFIXES = ("/api/v1/open/",)
# The health probes (config/health.py) answer whoever asks, whatever their session: never redirected from here.
PROBE_PATHS = frozenset({"/healthz", "/readyz"})


@receiver(user_logged_in)
def start_the_session_clock(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[LOGGED_IN_AT] = request.session[LAST_SEEN] = now


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in PROBE_PATHS:
            return self.get_response(request)
        if request.user.is_authenticated:
            ended = self._ended(request)
            if ended:
                logout(request)
                messages.info(request, ended)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered as anonymous: 403 permission.login
                return redirect(f"{reverse('login')}?next={request.path}")
            if otp_required_for(request.user) and not request.user.is_verified() and not self._may_pass(request):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "code": "permission.second_factor",
                            "message": _("Give your second factor first."),
                            "missing": [],
                        },
                        status=403,
                    )
                return redirect(f"{reverse('otp')}?next={request.path}")
            if getattr(request.user, "must_change_password", False) and not self._may_pass(request):
                return redirect("password_change")
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES) and not request.path.startswith(PUBLIC_PREFIXES):
            patch_cache_control(response, no_store=True, private=True)
        return response

    @staticmethod
    def _ended(request) -> str:
        now, session = int(time.time()), request.session
        logged_in_at = session.setdefault(LOGGED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            return _("Your session ended after %(minutes)s minutes without activity; please log in again.") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT // 60
            }
        if now - logged_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
            return _("Your session reached its maximum length of %(hours)s hours; please log in again.") % {
                "hours": settings.SESSION_ABSOLUTE_LIFETIME // 3600
            }
        if now - last_seen >= 60 or LAST_SEEN not in session:  # a write a minute is precise enough
            session[LAST_SEEN] = now
        return ""

    @staticmethod
    def _may_pass(request) -> bool:
        allowed = ("password_change", "password_change_done", "logout", "otp", "set_language")
        return request.path in {reverse(name) for name in allowed} or request.path.startswith(settings.STATIC_URL)
