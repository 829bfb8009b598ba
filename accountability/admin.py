from django.contrib import admin

from .models import LedgerEvent


@admin.register(LedgerEvent)
class LedgerEventAdmin(admin.ModelAdmin):
    """Read-only: the ledger is append-only, and only services append."""

    list_display = ("id", "occurred_at", "actor_name", "action", "object_repr", "hash")
    list_filter = ("action", "algorithm")
    search_fields = ("object_repr", "actor_name", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
