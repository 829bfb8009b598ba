"""Executive meetings on /api/v1/meetings/ (decisions/session_api.py), in the `api` namespace."""

from django.urls import path

from . import session_api as api

urlpatterns = [
    path("", api.MeetingListView.as_view(), name="meetings"),
    path("<int:pk>/", api.MeetingDetailView.as_view(), name="meeting"),
    path("<int:pk>/agenda/", api.AgendaItemCreateView.as_view(), name="meeting_agenda"),
    path("<int:pk>/agenda/<int:order>/record/", api.AgendaItemRecordView.as_view(), name="meeting_item_record"),
]
