"""The Django admin is the system administrator's tool (users and organizations), not a back door around services.

Roles, permissions and superuser status are read-only here: roles are given only through
`accounts.services.assign_role` (checked by the security administrator's scope and recorded in the ledger), e.g.
`manage.py assign_role USERNAME ROLE --by SECURITY_ADMIN`. The m2m signal in `accounts.signals` still guards the
three-administrator rule on every other path.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(User)
class JueceUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "organization", "is_active")
    list_filter = ("is_active", "groups", "organization__kind")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Organization"), {"fields": ("organization", "display_name", "title")}),
    )
    readonly_fields = ("groups", "user_permissions", "is_superuser")
    list_select_related = ("organization",)

    def get_readonly_fields(self, request, obj=None):
        # Moving a member to another organization would carry their roles into its scope: not from the admin.
        if obj is not None and obj.organization_id:
            return (*self.readonly_fields, "organization")
        return self.readonly_fields
