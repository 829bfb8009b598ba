"""The hearings on the portal (/hearings/): portal.hearing_views."""

from django.urls import path

from . import hearing_views as views

urlpatterns = [
    path("", views.hearing_list, name="hearings"),
    path("<int:pk>/", views.hearing_detail, name="hearing"),
    path("<int:pk>/record/", views.hearing_record, name="hearing_record"),
    path("receipt/", views.application_receipt, name="hearing_receipt"),
]
