"""The REST API, version 1 (/api/v1/): each app's endpoints. The schema and its docs are /api/schema/ and /api/docs/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from catalog import api as catalogs
from decisions import api as decisions
from decisions import execution_api as executions
from decisions import problem_report_api as problem_reports
from notifications import api as notices
from notifications import follow_api as follows
from portal import api as open_data
from portal import consultation_api as consultations

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
    # Problems in execution reported by the public: anyone reports and looks up; the organ's staff list and answer.
    path(
        "decisions/<int:pk>/problem-reports/",
        problem_reports.DecisionProblemReportsView.as_view(),
        name="decision_problem_reports",
    ),
    path("problem-reports/lookup/", problem_reports.ProblemReportLookupView.as_view(), name="problem_report_lookup"),
    path(
        "problem-reports/<int:pk>/answer/",
        problem_reports.ProblemReportAnswerView.as_view(),
        name="problem_report_answer",
    ),
    # Execution: indicators and progress reports (decisions/execution_api.py).
    path("decisions/<int:pk>/execution/", executions.ExecutionView.as_view(), name="decision_execution"),
    path(
        "decisions/<int:pk>/execution/reports/",
        executions.ExecutionReportView.as_view(),
        name="decision_execution_reports",
    ),
    path(
        "decisions/<int:pk>/execution/indicators/",
        executions.ExecutionIndicatorsView.as_view(),
        name="decision_execution_indicators",
    ),
    # Open data: anonymous, read-only, published decisions only (portal/api.py).
    path("open/decisions/", open_data.OpenDecisionListView.as_view(), name="open_decisions"),
    path("open/decisions/<int:pk>/", open_data.OpenDecisionDetailView.as_view(), name="open_decision"),
    path("open/catalogs/", open_data.OpenCatalogListView.as_view(), name="open_catalogs"),
    path("open/catalogs/<int:pk>/entries/", open_data.OpenCatalogEntriesView.as_view(), name="open_catalog_entries"),
    path("follows/", follows.FollowCreateView.as_view(), name="follows"),
    # Suggestions for a catalog: anyone, no login, rate-limited (catalog/api.py).
    path("catalogs/suggestions/", catalogs.SuggestionCreateView.as_view(), name="catalog_suggestions"),
    # Public consultations on drafts: anonymous reads; opinions by anyone, rate-limited (portal/consultation_api.py).
    path("consultations/", consultations.ConsultationListView.as_view(), name="consultations"),
    path("consultations/<int:pk>/", consultations.ConsultationDetailView.as_view(), name="consultation"),
    path(
        "consultations/<int:pk>/comments/",
        consultations.CommentCreateView.as_view(),
        name="consultation_comments",
    ),
    # Hearings: the announcements, applications by anyone (portal/hearing_api.py).
    path("hearings/", include("portal.hearing_api_urls")),
    # The reviews before a decision: experts, risk, fair competition, co-signing (review/*_api.py).
    path("review/", include("review.api_urls")),
    path("meetings/", include("decisions.session_api_urls")),
    # The satisfaction surveys of post-decision evaluations: anonymous reads and responses (evaluation/survey_api.py).
    path("surveys/", include("evaluation.survey_api_urls")),
    # The post-decision evaluation: plans, assignments, reports, published plans (evaluation/api.py).
    path("", include("evaluation.api_urls")),
    path("notices/", notices.NoticeListView.as_view(), name="notices"),
    path("notices/read-all/", notices.NoticeReadAllView.as_view(), name="notices_read_all"),
    path("notices/<int:pk>/read/", notices.NoticeReadView.as_view(), name="notice_read"),
]


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files; its init script is served as a separate file
    (`?script=`) and the page has no inline style, so the strict CSP (no inline scripts or styles) holds."""

    template_name = "api/swagger_ui.html"
