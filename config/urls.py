from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import health
from .api_urls import SwaggerView

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # probes: plain HTTP, no session (config/health.py)
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("manage/notices/", include("notifications.urls")),
    path("manage/holidays/", include("workdays.urls")),
    path("manage/catalogs/", include("catalog.urls")),
    path("manage/", include("decisions.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/", include("accounts.urls")),
    path("", include("portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
