"""The roles. Each role is a Django group of the same name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DRAFTER = "drafter", _("Drafter (undertaking unit)")
    DEPT_HEAD = "dept_head", _("Head of undertaking unit")
    GOV_OFFICE = "gov_office", _("Government office")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    EXPERT = "expert", _("Expert")
    EVALUATOR = "evaluator", _("Third-party evaluator")
    SUPERVISOR = "supervisor", _("Supervisor")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# 三员分立: no user may hold two of these.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Roles that see every decision of their decision organ (not only their own unit's).
ORGAN_WIDE_ROLES = frozenset({Role.GOV_OFFICE, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.AUDIT_ADMIN})
