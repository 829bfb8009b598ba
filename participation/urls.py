from django.urls import include, path

from . import import_views, views

app_name = "participation"

urlpatterns = [
    # A consultation's workspace, reached from its step (participation/views.py).
    path("steps/<int:step_pk>/consultation/", views.consultation_workspace, name="consultation"),
    path("steps/<int:step_pk>/consultation/set-up/", views.consultation_set_up, name="consultation_set_up"),
    path("consultations/<int:pk>/withdraw/", views.consultation_withdraw, name="consultation_withdraw"),
    path("consultations/<int:pk>/opinions/", views.opinion_add, name="opinion_add"),
    path("consultations/<int:pk>/themes/", views.theme_create, name="theme_create"),
    path("consultations/<int:pk>/themes/assign/", views.theme_assign, name="theme_assign"),
    path("consultations/<int:pk>/report/", views.report_generate, name="report_generate"),
    path("consultations/<int:pk>/report/approve/", views.report_approve, name="report_approve"),
    path("opinions/<int:pk>/answer/", views.opinion_answer, name="opinion_answer"),
    path("opinions/<int:pk>/hide/", views.opinion_hide, name="opinion_hide"),
    path("opinions/<int:pk>/contact/", views.opinion_reveal, name="opinion_reveal"),
    path("opinions/<int:pk>/attachment/", views.opinion_attachment, name="opinion_attachment"),
    path("themes/<int:pk>/answer/", views.theme_answer, name="theme_answer"),
    # Offline opinions imported from CSV/XLSX (participation/import_views.py).
    path("consultations/<int:pk>/import/", import_views.import_opinions, name="import_opinions"),
    path("consultations/<int:pk>/import/template/", import_views.import_template, name="import_template"),
    # Hearings (participation/hearing_views.py).
    path("hearings/", include("participation.hearing_urls")),
]
