"""Decisions are changed only through the procedure's services: the admin shows them read-only."""

from django.contrib import admin

from .models import Decision, Document, ProcedureProfile, Step


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "organ", "undertaking_unit", "status", "year")
    list_filter = ("status", "year")
    search_fields = ("number", "title")


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ("decision", "kind", "round", "requirement", "status", "due_on")
    list_filter = ("kind", "status", "requirement")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("decision", "title", "kind", "version", "sha256", "uploaded_at")


@admin.register(ProcedureProfile)
class ProcedureProfileAdmin(ReadOnlyAdmin):
    list_display = ("organ", "min_comment_days", "min_review_working_days")
