"""The hearings on the open API (/api/v1/hearings/): filled by portal.hearing_api."""

urlpatterns = []
