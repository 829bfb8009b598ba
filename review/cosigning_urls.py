"""cosigning pages of the review app: filled by its helper module."""

urlpatterns = []
