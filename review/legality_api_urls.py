"""The legality review workspace on /api/v1/review/legality/ (review/legality_api.py)."""

from django.urls import path

from . import legality_api

urlpatterns = [
    path("steps/<int:pk>/", legality_api.LegalityWorkspaceView.as_view(), name="legality_workspace"),
    path("steps/<int:pk>/advisers/", legality_api.AdviserOpinionsView.as_view(), name="legality_adviser_opinions"),
    path("steps/<int:pk>/changes/<int:item_pk>/", legality_api.ChangeNoteView.as_view(), name="legality_change_note"),
]
