"""The satisfaction survey's staff pages (/manage/evaluation/surveys/, evaluation/survey_views.py)."""

from django.urls import path

from . import survey_views as views

app_name = "surveys"

urlpatterns = [
    path("<int:evaluation_pk>/", views.survey_manage, name="manage"),
    path("decision/<int:pk>/", views.survey_for_decision, name="for_decision"),
]
