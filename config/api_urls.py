"""The REST API, version 1 (/api/v1/): each app's endpoints. The schema and its docs are /api/schema/ and /api/docs/."""

from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView

from decisions import api as decisions
from notifications import api as notices
from notifications import follow_api as follows

app_name = "api"

urlpatterns = [
    path("decisions/", decisions.DecisionListView.as_view(), name="decisions"),
    path("decisions/<int:pk>/", decisions.DecisionDetailView.as_view(), name="decision"),
    path("decisions/<int:pk>/ledger/", decisions.DecisionLedgerView.as_view(), name="decision_ledger"),
    path("decisions/<int:pk>/transitions/", decisions.DecisionTransitionsView.as_view(), name="decision_transitions"),
    path(
        "decisions/<int:pk>/transitions/<slug:name>/",
        decisions.DecisionTransitionView.as_view(),
        name="decision_transition",
    ),
    path("follows/", follows.FollowCreateView.as_view(), name="follows"),
    path("notices/", notices.NoticeListView.as_view(), name="notices"),
    path("notices/read-all/", notices.NoticeReadAllView.as_view(), name="notices_read_all"),
    path("notices/<int:pk>/read/", notices.NoticeReadView.as_view(), name="notice_read"),
]


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files; its init script is served as a separate file
    (`?script=`) and the page has no inline style, so the strict CSP (no inline scripts or styles) holds."""

    template_name = "api/swagger_ui.html"
