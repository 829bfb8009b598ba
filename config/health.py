"""The health probes an orchestrator (Docker, systemd, a load balancer) asks, over plain HTTP, without a session.

- `GET /healthz`: the process answers (200 {"status": "ok"}); it reads nothing, so a database or Redis outage does
  not make the orchestrator restart healthy web processes.
- `GET /readyz`: the process can serve, and the background is running: every configured database answers a trivial
  query; Redis answers PING (the cache's and the broker's, when REDIS_URL / CELERY_BROKER_URL name one; "not
  configured" otherwise, which is no failure); the ticker's heartbeat (written by the Celery worker each time beat
  sends it the one-minute tick, `notifications.heartbeat`) is at most HEARTBEAT_MAX_AGE_SECONDS old. Every check is
  listed with "ok" or "error" and a reason; any failing check answers 503 and is named in "failing".

Both are exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) and never stored (no-store). They are answered by
the normal middleware stack: they need no login, and an anonymous request meets no session limit or second factor.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

OK, ERROR = "ok", "error"
logger = logging.getLogger("juece.health")


class CheckFailed(Exception):
    """A readiness check failed; its message is the reason reported."""


def check_databases() -> str:
    """A trivial query on every configured database alias."""
    answered = []
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as error:
            connections[alias].close()  # a broken connection is not handed to the next request
            raise CheckFailed(
                _("database %(alias)s does not answer (%(error)s)") % {"alias": alias, "error": _kind(error)}
            ) from error
        answered.append(alias)
    return _("answered: %(aliases)s") % {"aliases": ", ".join(answered)}


def redis_urls() -> dict[str, str]:
    """The Redis servers the application uses: the cache's (REDIS_URL) and the Celery broker's, when they are Redis."""
    urls = {}
    if settings.REDIS_URL:
        urls["REDIS_URL"] = settings.REDIS_URL
    broker = str(getattr(settings, "CELERY_BROKER_URL", "") or "")
    if broker.startswith(("redis://", "rediss://", "unix://")) and broker != settings.REDIS_URL:
        urls["CELERY_BROKER_URL"] = broker
    return urls


def check_redis() -> str:
    """PING each Redis the application uses; "not configured" (not a failure) when it uses none."""
    import redis

    urls = redis_urls()
    if not urls:
        return _("not configured (REDIS_URL is not set)")
    for name, url in urls.items():
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        except redis.RedisError as error:
            raise CheckFailed(
                _("the Redis of %(setting)s does not answer PING (%(error)s)")
                % {"setting": name, "error": _kind(error)}
            ) from error
        finally:
            client.close()
    return _("PING answered (%(settings)s)") % {"settings": ", ".join(urls)}


def check_worker() -> str:
    """The ticker's heartbeat: the worker ran the tick beat sent it, recently enough."""
    from notifications.heartbeat import last_beat

    try:
        beat_at = last_beat()
    except Exception as error:
        raise CheckFailed(_("the heartbeat could not be read (%(error)s)") % {"error": _kind(error)}) from error
    limit = timedelta(seconds=settings.HEARTBEAT_MAX_AGE_SECONDS)
    if beat_at is None:
        raise CheckFailed(_("no heartbeat yet: is a Celery worker and beat running?"))
    age = timezone.now() - beat_at
    seconds = max(0, int(age.total_seconds()))
    if age > limit:
        raise CheckFailed(
            _("the last heartbeat is %(seconds)s s old (more than %(limit)s s): is a Celery worker and beat running?")
            % {"seconds": seconds, "limit": settings.HEARTBEAT_MAX_AGE_SECONDS}
        )
    return _("last heartbeat %(seconds)s s ago") % {"seconds": seconds}


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_databases,
    "redis": check_redis,
    "worker": check_worker,
}


def _kind(error: BaseException) -> str:
    """The answer names the kind of error only (no host names or addresses for whoever asks); the log has it all."""
    return type(error).__name__


@never_cache
@require_GET
def healthz(request):
    """The process answers: no database, no Redis."""
    return JsonResponse({"status": OK})


@never_cache
@require_GET
def readyz(request):
    results, failing = {}, []
    for name, check in CHECKS.items():
        try:
            results[name] = {"status": OK, "reason": check()}
        except CheckFailed as failure:
            results[name] = {"status": ERROR, "reason": str(failure)}
            failing.append(name)
            logger.warning("readiness check %s failed: %s", name, failure, exc_info=failure.__cause__)
    body = {"status": ERROR if failing else OK, "failing": failing, "checks": results}
    return JsonResponse(body, status=503 if failing else 200, json_dumps_params={"ensure_ascii": False})
