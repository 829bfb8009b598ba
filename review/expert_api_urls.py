"""The expert review's endpoints (review/expert_api.py) on /api/v1/review/experts/, in the `api` namespace."""

from django.urls import path

from . import expert_api as views

urlpatterns = [
    path("pool/", views.ExpertPoolView.as_view(), name="expert_pool"),
    path("steps/<int:step_pk>/assignments/", views.StepAssignmentsView.as_view(), name="expert_step_assignments"),
    path("mine/", views.MyAssignmentsView.as_view(), name="expert_assignments_mine"),
    path("assignments/<int:pk>/declaration/", views.DeclarationView.as_view(), name="expert_declaration"),
    path("assignments/<int:pk>/opinion/", views.OpinionView.as_view(), name="expert_opinion"),
    path("assignments/<int:pk>/usage/", views.UsageView.as_view(), name="expert_usage"),
]
