from django.urls import path

from . import views

app_name = "manage"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/", views.decision_index, name="decisions"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/do/<slug:name>/", views.decision_transition, name="transition"),
    path("decisions/<int:pk>/execution-report/", views.execution_report, name="execution_report"),
    path("decisions/<int:pk>/confidentiality/", views.confidentiality, name="confidentiality"),
    path("decisions/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("steps/<int:pk>/", views.step_detail, name="step"),
    path("steps/<int:pk>/<slug:action>/", views.step_action, name="step_action"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
