"""The post-decision evaluation in the staff workspace (/manage/evaluation/, namespace `evaluation`)."""

from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_page, name="plan"),
    path("plans/<int:pk>/items/", views.plan_item_add, name="plan_item_add"),
    path("plans/<int:pk>/items/<int:item_pk>/remove/", views.plan_item_remove, name="plan_item_remove"),
    path("plans/<int:pk>/<slug:act>/", views.plan_act, name="plan_act"),
    path("mine/", views.my_assignments, name="mine"),
    path("decisions/<int:pk>/", views.decision_evaluation, name="decision"),
    path("decisions/<int:pk>/report/", views.submit_report, name="report"),
    path("decisions/<int:pk>/approve/", views.approve_report, name="approve"),
]
