"""The Django admin is the system administrator's tool (users and organizations), not a back door around services."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import ProcedureError
from .models import Organization, User
from .services import check_separated_admins


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")


class JueceUserChangeForm(UserAdmin.form):
    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        names = {group.name for group in groups or []}
        try:
            check_separated_admins(current_roles=set(), adding=names)
        except ProcedureError as refusal:
            raise ValidationError(str(refusal.message)) from None
        return groups


@admin.register(User)
class JueceUserAdmin(UserAdmin):
    form = JueceUserChangeForm
    list_display = ("username", "display_name", "organization", "is_active")
    list_filter = ("is_active", "groups", "organization__kind")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Organization"), {"fields": ("organization", "display_name", "title")}),
    )
    list_select_related = ("organization",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "groups" in form.base_fields:
            form.base_fields["groups"].widget = forms.CheckboxSelectMultiple()
            form.base_fields["groups"].queryset = form.base_fields["groups"].queryset.order_by("name")
        return form
