"""Deployment checks of the ledger (`manage.py check --deploy`): the seal key, and the database role.

- accountability.E001: DEBUG is off and LEDGER_SEAL_KEY is not set (seals cannot be authenticated, nor taken).
- accountability.W001: LEDGER_SEAL_KEY is shorter than 32 characters.
- accountability.W002: the application connects to PostgreSQL as a superuser, who can drop the ledger's triggers
  (docs/security.md, "The ledger's database role", says which role to connect as instead).
- accountability.I001: the database role could not be checked (the database did not answer).
"""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections

from .seals import MISSING_SEAL_KEY_MESSAGE

MIN_SEAL_KEY_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_seal_key(app_configs, **kwargs):
    key = getattr(settings, "LEDGER_SEAL_KEY", "")
    if not key:
        if settings.DEBUG:
            return []
        return [checks.Error(MISSING_SEAL_KEY_MESSAGE, id="accountability.E001")]
    if len(key) < MIN_SEAL_KEY_LENGTH and not settings.DEBUG:
        return [
            checks.Warning(
                f"LEDGER_SEAL_KEY is shorter than {MIN_SEAL_KEY_LENGTH} characters: use a long random value.",
                id="accountability.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_database_role(app_configs, **kwargs):
    """Warn when the application's PostgreSQL role is a superuser (only with --deploy, only on PostgreSQL)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
    except DatabaseError as error:
        return [
            checks.Info(
                f"Could not check whether the database role is a superuser: {error}".strip(),
                id="accountability.I001",
            )
        ]
    if row and row[0]:
        return [
            checks.Warning(
                "The application connects to PostgreSQL as a superuser, who can drop the audit ledger's append-only "
                "triggers and rewrite it.",
                hint="Connect as an application role with only SELECT and INSERT on accountability_ledgerevent "
                '(docs/security.md, "The ledger\'s database role"); run migrations as the owner role.',
                id="accountability.W002",
            )
        ]
    return []
