"""The hearings in the staff workspace (/manage/participation/hearings/): filled by participation.hearing_views."""

urlpatterns = []
