from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """The working-day calendar: a ground-floor app every other app may use; it imports no business app."""

    name = "workdays"
    verbose_name = _("Working-day calendar")
