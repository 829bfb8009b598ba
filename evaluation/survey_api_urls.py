"""The satisfaction surveys on /api/v1/surveys/ (evaluation/survey_api.py), in the `api` namespace."""

from django.urls import path

from . import survey_api as api

urlpatterns = [
    path("<int:pk>/", api.SurveyDetailView.as_view(), name="survey"),
    path("<int:pk>/responses/", api.SurveyResponseCreateView.as_view(), name="survey_responses"),
    path("<int:pk>/results/", api.SurveyResultsView.as_view(), name="survey_results"),
]
