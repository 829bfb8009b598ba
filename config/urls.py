from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

from . import health
from .api_urls import SwaggerView


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, readable by anyone. `?lang=` is honoured only for a language of LANGUAGES (otherwise the
    request's language): Django builds and keeps a translation for every code it is asked to activate, so an
    anonymous request could otherwise grow the process's memory with each new junk value."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        lang = request.GET.get("lang")
        if lang in dict(settings.LANGUAGES):
            with translation.override(lang):
                return self._get_schema_response(request)
        return self._get_schema_response(request)


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # probes: plain HTTP, no session (config/health.py)
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("manage/notices/", include("notifications.urls")),
    path("manage/holidays/", include("workdays.urls")),
    path("manage/catalogs/", include("catalog.urls")),
    path("manage/participation/", include("participation.urls")),
    path("manage/review/", include("review.urls")),
    path("manage/evaluation/surveys/", include("evaluation.survey_urls")),  # the satisfaction survey (Art. 36)
    path("manage/evaluation/", include("evaluation.urls")),
    path("manage/", include("decisions.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/", include("accounts.urls")),
    path("", include("portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
