"""The holiday calendar in the admin: every change goes through `workdays.services` and into the ledger."""

from django.contrib import admin

from . import services
from .models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    fields = ("date", "kind", "name")

    def save_model(self, request, obj, form, change):
        original = Holiday.objects.get(pk=obj.pk) if change else None
        values = {name: form.cleaned_data[name] for name in self.fields}
        obj.pk = services.save_holiday(actor=request.user, holiday=original, **values).pk

    def delete_model(self, request, obj):
        services.delete_holiday(actor=request.user, holiday=obj)

    def delete_queryset(self, request, queryset):
        for holiday in queryset:
            services.delete_holiday(actor=request.user, holiday=holiday)
