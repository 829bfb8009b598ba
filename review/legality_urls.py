"""The legality reviewer's workspace (/manage/review/legality/, namespace `review`), reached from its step."""

from django.urls import path

from . import legality_views

urlpatterns = [
    path("coverage/", legality_views.coverage, name="legality_coverage"),
    path("steps/<int:step_pk>/", legality_views.workspace, name="legality_workspace"),
    path("steps/<int:step_pk>/advisers/", legality_views.adviser_opinion_add, name="legality_adviser_add"),
    path("steps/<int:step_pk>/changes/", legality_views.changes_list, name="legality_changes_list"),
    path("steps/<int:step_pk>/changes/<int:item_pk>/", legality_views.change_note, name="legality_change_note"),
]
