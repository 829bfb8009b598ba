from django.urls import path

from accounts import workspace_views

from . import execution_views, problem_report_views, session_views, views

app_name = "manage"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/", views.decision_index, name="decisions"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/do/<slug:name>/", views.decision_transition, name="transition"),
    # The execution: indicators, progress reports, due dates (execution_views.py).
    path("decisions/<int:pk>/execution/", execution_views.execution_page, name="execution"),
    path("decisions/<int:pk>/execution/reports/", execution_views.execution_report, name="execution_report_progress"),
    path("decisions/<int:pk>/execution/indicators/", execution_views.execution_indicators, name="execution_indicators"),
    path("decisions/<int:pk>/confidentiality/", views.confidentiality, name="confidentiality"),
    path("decisions/<int:pk>/documents/", views.document_upload, name="document_upload"),
    # Problems the public reported in the execution, and their answers (problem_report_views.py).
    path("decisions/<int:pk>/problems/", problem_report_views.problem_reports, name="problem_reports"),
    path("problems/<int:pk>/answer/", problem_report_views.answer_problem_report, name="problem_report_answer"),
    path("problems/<int:pk>/hide/", problem_report_views.hide_problem_report, name="problem_report_hide"),
    path(
        "problems/<int:pk>/contact/",
        problem_report_views.reveal_problem_report_contact,
        name="problem_report_contact",
    ),
    path("steps/<int:pk>/", views.step_detail, name="step"),
    path("steps/<int:pk>/<slug:action>/", views.step_action, name="step_action"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    # The administrators' pages (accounts' own views; 三员分立: each sees only their own tools).
    path("people/", workspace_views.people, name="people"),
    path("people/new/", workspace_views.person_create, name="person_create"),
    path("people/<int:pk>/", workspace_views.person_edit, name="person_edit"),
    path("people/<int:pk>/active/", workspace_views.person_active, name="person_active"),
    path("people/<int:pk>/password/", workspace_views.person_password, name="person_password"),
    path("people/<int:pk>/roles/", workspace_views.person_roles, name="person_roles"),
    path("organizations/", workspace_views.organizations, name="organizations"),
    path("organizations/new/", workspace_views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", workspace_views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/move/", workspace_views.organization_move, name="organization_move"),
    # Executive meetings with their agendas and minutes (session_views.py).
    path("meetings/", session_views.meeting_list, name="meetings"),
    path("meetings/new/", session_views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", session_views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/", session_views.meeting_agenda_add, name="meeting_agenda_add"),
    path("meetings/<int:pk>/minutes/", session_views.meeting_minutes, name="meeting_minutes"),
    path("meetings/items/<int:pk>/record/", session_views.meeting_item_record, name="meeting_item_record"),
    path("rules/", views.rule_index, name="rules"),
    path("rules/<int:number>/", views.rule_detail, name="rule"),
]
