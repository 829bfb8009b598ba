"""The Django admin is the system administrator's tool (users and organizations), not a back door around services.

Every change made here goes through `accounts.services` and so into the ledger, like the same change made anywhere
else. The system administrator never sets another person's password (they issue a one-time password the user must
replace), never gives roles (the security administrator does: `manage.py assign_role`), and never moves an
organization in the tree (the security administrator does: `manage.py move_organization`). Accounts are disabled,
not deleted: the record keeps who did what.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Organization, User
from .roles import Role


def is_system_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and Role.SYSTEM_ADMIN.value in user.role_names


class SystemAdminOnly:
    """Only the system administrator changes accounts and organizations here; nothing is deleted."""

    def has_view_permission(self, request, obj=None):
        return is_system_admin(request)

    def has_add_permission(self, request):
        return is_system_admin(request)

    def has_change_permission(self, request, obj=None):
        return is_system_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return is_system_admin(request)


@admin.register(Organization)
class OrganizationAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    fields = ("code", "name", "short_name", "kind", "parent")

    def get_readonly_fields(self, request, obj=None):
        # A move changes who sees which decisions: the security administrator's act (manage.py move_organization).
        return ("parent",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in ("code", "name", "short_name", "kind")}
        if change:
            original = Organization.objects.get(pk=obj.pk)
            saved = services.save_organization(actor=request.user, organization=original, **values)
        else:
            saved = services.save_organization(actor=request.user, parent=form.cleaned_data.get("parent"), **values)
        obj.pk = saved.pk


class NewUserForm(forms.ModelForm):
    """A new member: no password is chosen here (a one-time password is issued and shown once)."""

    class Meta:
        model = User
        fields = ("username", "organization", "display_name", "title", "email")


@admin.register(User)
class JueceUserAdmin(SystemAdminOnly, UserAdmin):
    list_display = ("username", "display_name", "organization", "is_active", "must_change_password")
    list_filter = ("is_active", "groups", "organization__kind")
    list_select_related = ("organization",)
    add_form = NewUserForm
    add_fieldsets = ((None, {"fields": ("username", "organization", "display_name", "title", "email")}),)
    fieldsets = (
        (None, {"fields": ("username", "display_name", "title", "organization")}),
        (gettext_lazy("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (gettext_lazy("Status"), {"fields": ("is_active", "must_change_password", "last_login", "date_joined")}),
        (gettext_lazy("Roles (given by the security administrator)"), {"fields": ("groups",)}),
    )
    readonly_fields = (
        "username",
        "organization",
        "groups",
        "user_permissions",
        "is_superuser",
        "is_staff",
        "must_change_password",
        "last_login",
        "date_joined",
    )
    actions = ["issue_one_time_passwords"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied(_("Nobody sets another person's password: issue a one-time password instead."))

    def save_model(self, request, obj, form, change):
        if change:
            values = {name: form.cleaned_data[name] for name in services.USER_FIELDS if name in form.cleaned_data}
            services.update_user(user=User.objects.get(pk=obj.pk), actor=request.user, **values)
            return
        created = services.create_user(
            username=form.cleaned_data["username"],
            organization=form.cleaned_data["organization"],
            display_name=form.cleaned_data.get("display_name") or "",
            title=form.cleaned_data.get("title") or "",
            actor=request.user,
        )
        obj.pk = created.pk
        self._show_one_time_password(request, created)

    def save_related(self, request, form, formsets, change):
        """Roles are not saved from here (read-only): only the security administrator gives them."""

    @admin.action(description=gettext_lazy("Issue a one-time password (the user must change it at first login)"))
    def issue_one_time_passwords(self, request, queryset):
        for user in queryset:
            if user.pk == request.user.pk:
                messages.error(request, _("Two-person rule: you cannot issue a password to yourself."))
                continue
            self._show_one_time_password(request, user)

    def _show_one_time_password(self, request, user):
        password = services.issue_one_time_password(user=user, actor=request.user)
        messages.warning(
            request,
            _(
                "One-time password for %(user)s: %(password)s — give it to them in person; they choose their own at "
                "first login. It is not shown again."
            )
            % {"user": user.username, "password": password},
        )
