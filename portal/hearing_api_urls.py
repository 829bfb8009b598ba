"""The hearings on the open API (/api/v1/hearings/): portal.hearing_api."""

from django.urls import path

from . import hearing_api as hearings

urlpatterns = [
    path("", hearings.HearingListView.as_view(), name="hearings"),
    path("<int:pk>/", hearings.HearingDetailView.as_view(), name="hearing"),
    path("<int:pk>/applications/", hearings.ApplicationCreateView.as_view(), name="hearing_applications"),
]
