"""Co-signing pages of the review app (/manage/review/co-signing/, review/cosigning_views.py)."""

from django.urls import path

from . import cosigning_views as views

urlpatterns = [
    path("", views.co_signing_inbox, name="co_signing_inbox"),
    path("steps/<int:step_pk>/", views.co_signing_workspace, name="co_signing_workspace"),
    path("steps/<int:step_pk>/send/", views.co_signing_send, name="co_signing_send"),
    path("requests/<int:pk>/answer/", views.co_signing_answer, name="co_signing_answer"),
    path("requests/<int:pk>/unit-view/", views.co_signing_unit_view, name="co_signing_unit_view"),
]
