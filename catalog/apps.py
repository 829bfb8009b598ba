from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Decision catalogs")

    def ready(self) -> None:
        from decisions.registry import register_catalog_admission, register_catalog_hold

        from .services import holds_decision, is_being_admitted

        register_catalog_admission(is_being_admitted)
        register_catalog_hold(holds_decision)
