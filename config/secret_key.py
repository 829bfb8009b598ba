"""SECRET_KEY signs sessions and password-reset links: with DEBUG off, nothing that serves people or runs tasks starts
without one from the environment.

Settings never fall back to a known key. Without SECRET_KEY and with DEBUG off they hold a random key for this process
only, so tooling that signs nothing (makemigrations, collectstatic, compilemessages) still runs in a plain shell; the
web entry points (WSGI, ASGI, runserver) and the Celery worker and beat call `require_secret_key()` and refuse to start,
and `check --deploy` reports it (juece.E001).
"""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY_MESSAGE = (
    "The SECRET_KEY environment variable is not set, and DEBUG is off: set SECRET_KEY to a long random value "
    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set DEBUG=1 for local development."
)


def secret_key_missing() -> bool:
    from django.conf import settings

    return not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT


def require_secret_key() -> None:
    if secret_key_missing():
        raise ImproperlyConfigured(MISSING_KEY_MESSAGE)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key_from_environment(app_configs, **kwargs):
    if secret_key_missing():
        return [checks.Error(MISSING_KEY_MESSAGE, id="juece.E001")]
    return []
