from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Reviews")

    def ready(self):
        from . import steps

        steps.register()

        from . import cosigning

        # A department asked to co-sign sees the decision it was asked about (review/cosigning.py).
        cosigning.register_scope()

        from accounts.roles import Role
        from decisions.registry import register_scope

        # An expert sees the decisions of their assignments, once they declared no direct interest (review/experts.py).
        register_scope(Role.EXPERT, steps.expert_scope)
