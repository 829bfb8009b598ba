"""Login throttling per username across addresses: slow, not lock.

django-axes locks a username from one address after five failures (an hour). Guessing one username from many
addresses is slowed here instead: past `LOGIN_THROTTLE_AFTER` failures for the username within an hour, from any
address, each further attempt waits twice as long as the last (at most 15 minutes) — so a colleague behind the same
NAT is delayed, never locked out. The failures are axes' own log (`AccessFailureLog`).
"""

from datetime import timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

LONGEST_WAIT = 15 * 60


def seconds_to_wait(username: str) -> int:
    if not username:
        return 0
    since = timezone.now() - timedelta(hours=1)
    failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
    count = failures.count()
    threshold = getattr(settings, "LOGIN_THROTTLE_AFTER", 10)
    if count < threshold:
        return 0
    latest = failures.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    wait = min(2 ** (count - threshold + 1), LONGEST_WAIT)
    remaining = wait - int((timezone.now() - latest).total_seconds())
    return max(remaining, 0)


class UsernameThrottleBackend:
    """Before the backend that checks passwords: refuses (and so counts as one more failure) while the username waits.
    It authenticates nobody and so has no `get_user` (no session is ever kept with it)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        wait = seconds_to_wait(username or "")
        if wait:
            if request is not None and hasattr(request, "_messages"):
                messages.error(
                    request,
                    _("Too many failed logins for this username; try again in %(seconds)s seconds.")
                    % {"seconds": wait},
                )
            raise PermissionDenied
        return None
