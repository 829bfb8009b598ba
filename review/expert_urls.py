"""The expert review's pages (review/expert_views.py), in the `review` namespace under /manage/review/experts/."""

from django.urls import path

from . import expert_views as views

urlpatterns = [
    # The pool (专家库), kept by the organ's legal office.
    path("pool/", views.expert_pool, name="expert_pool"),
    path("pool/new/", views.expert_add, name="expert_add"),
    path("pool/import/", views.expert_import, name="expert_import"),
    path("pool/import/template/", views.expert_import_template, name="expert_import_template"),
    path("pool/<int:pk>/", views.expert_edit, name="expert_edit"),
    path("pool/<int:pk>/status/", views.expert_status, name="expert_status"),
    # The step's expert workspace, reached from the expert-review step.
    path("steps/<int:step_pk>/", views.expert_workspace, name="expert_workspace"),
    path("steps/<int:step_pk>/draw/", views.expert_draw, name="expert_draw"),
    path("steps/<int:step_pk>/choose/", views.expert_choose, name="expert_choose"),
    path("assignments/<int:pk>/answer/", views.expert_answer, name="expert_answer"),
    # The expert's own pages.
    path("mine/", views.expert_assignments, name="expert_assignments"),
    path("mine/<int:pk>/", views.expert_assignment, name="expert_assignment"),
    path("mine/<int:pk>/declare/", views.expert_declare, name="expert_declare"),
    path("mine/<int:pk>/opinion/", views.expert_opinion, name="expert_opinion"),
]
