"""The risk assessment and the fair-competition checklist on /api/v1/review/risk/ (review/risk_api.py)."""

from django.urls import path

from . import risk_api

urlpatterns = [
    path("steps/<int:pk>/", risk_api.RiskAssessmentView.as_view(), name="risk_assessment"),
    path("steps/<int:pk>/items/", risk_api.RiskItemsView.as_view(), name="risk_items"),
    path(
        "fair-competition/<int:pk>/",
        risk_api.FairCompetitionChecklistView.as_view(),
        name="fair_competition_checklist",
    ),
    path(
        "fair-competition/<int:pk>/answers/",
        risk_api.FairCompetitionAnswersView.as_view(),
        name="fair_competition_answers",
    ),
]
