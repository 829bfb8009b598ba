from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Public portal")

    def ready(self):
        from accountability.ledger import event_recorded

        from .cache import bump_on_event

        # A committed event the public may see makes every cached portal page stale (portal/cache.py).
        event_recorded.connect(bump_on_event, dispatch_uid="portal.bump_page_cache")
