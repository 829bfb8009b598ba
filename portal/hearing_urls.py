"""The hearings on the portal (/hearings/): filled by portal.hearing_views."""

urlpatterns = []
