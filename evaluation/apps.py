from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Post-decision evaluation")

    def ready(self):
        from . import steps

        steps.register()
