"""The risk assessment's and the fair-competition checklist's workspaces (/manage/review/risk/, namespace `review`),
reached from their steps (review/risk_views.py)."""

from django.urls import path

from . import risk_views

urlpatterns = [
    path("steps/<int:step_pk>/", risk_views.risk_workspace, name="risk_workspace"),
    path("steps/<int:step_pk>/method/", risk_views.risk_method, name="risk_method"),
    path("steps/<int:step_pk>/items/", risk_views.risk_item_add, name="risk_item_add"),
    path("steps/<int:step_pk>/items/<int:item_pk>/", risk_views.risk_item_edit, name="risk_item_edit"),
    path("steps/<int:step_pk>/items/<int:item_pk>/remove/", risk_views.risk_item_remove, name="risk_item_remove"),
    path("steps/<int:step_pk>/level/", risk_views.risk_level, name="risk_level"),
    path(
        "fair-competition/<int:step_pk>/",
        risk_views.fair_competition_workspace,
        name="fair_competition_workspace",
    ),
    path(
        "fair-competition/<int:step_pk>/answers/",
        risk_views.fair_competition_answers,
        name="fair_competition_answers",
    ),
    path(
        "fair-competition/<int:step_pk>/restriction/",
        risk_views.fair_competition_restriction,
        name="fair_competition_restriction",
    ),
    path(
        "fair-competition/<int:step_pk>/conclusion/",
        risk_views.fair_competition_conclusion,
        name="fair_competition_conclusion",
    ),
]
