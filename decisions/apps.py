from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self):
        from . import checks, own_steps  # noqa: F401 (checks registers the seam's system check)

        own_steps.register()

        from accounts.services import register_move_effects

        from .selectors import decisions_moving_with

        register_move_effects(decisions_moving_with)

        # A holiday entered, corrected or removed moves the due dates it affects (workdays cannot import decisions).
        from workdays.signals import calendar_changed

        from .services.deadlines import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="decisions.due_dates")
