"""The hearings in the staff workspace (/manage/participation/hearings/): participation.hearing_views.

`participation:hearing` (a hearing step's pk) is the hearing page of a step; a GET creates nothing."""

from django.urls import path

from . import hearing_views as views

urlpatterns = [
    path("steps/<int:step_pk>/", views.hearing_page, name="hearing"),
    path("steps/<int:step_pk>/announce/", views.hearing_announce, name="hearing_announce"),
    path("<int:pk>/select/", views.hearing_select, name="hearing_select"),
    path("<int:pk>/materials/", views.hearing_materials, name="hearing_materials"),
    path("<int:pk>/statements/", views.hearing_statement, name="hearing_statement"),
    path("<int:pk>/file-record/", views.hearing_file_record, name="hearing_file_record"),
    path("<int:pk>/cancel/", views.hearing_cancel, name="hearing_cancel"),
    path("applications/<int:pk>/confirm/", views.hearing_confirm, name="hearing_confirm"),
]
