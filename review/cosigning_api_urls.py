"""Co-signing endpoints of the review app on /api/v1/review/co-signing/ (review/cosigning_api.py)."""

from django.urls import path

from . import cosigning_api as api

urlpatterns = [
    path("", api.MyCoSigningRequestsView.as_view(), name="co_signing_requests"),
    path("steps/<int:step_pk>/", api.StepCoSigningRequestsView.as_view(), name="co_signing_step_requests"),
    path("requests/<int:pk>/answer/", api.CoSigningAnswerView.as_view(), name="co_signing_answer"),
]
