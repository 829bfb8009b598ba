"""The post-decision evaluation on the API (/api/v1/…, evaluation/api.py), in the `api` namespace: the plans and the
evaluator's assignments under evaluation/, the report under the decision, the published plans under open/."""

from django.urls import path

from . import api

urlpatterns = [
    path("evaluation/plans/", api.PlansView.as_view(), name="evaluation_plans"),
    path("evaluation/plans/<int:pk>/items/", api.PlanItemsView.as_view(), name="evaluation_plan_items"),
    path("evaluation/plans/<int:pk>/approve/", api.PlanApproveView.as_view(), name="evaluation_plan_approve"),
    path("evaluation/plans/<int:pk>/publish/", api.PlanPublishView.as_view(), name="evaluation_plan_publish"),
    path("evaluation/mine/", api.MyEvaluationsView.as_view(), name="evaluation_mine"),
    path("decisions/<int:pk>/evaluation/report/", api.EvaluationReportView.as_view(), name="evaluation_report"),
    path("open/evaluation-plans/", api.OpenEvaluationPlansView.as_view(), name="open_evaluation_plans"),
]
