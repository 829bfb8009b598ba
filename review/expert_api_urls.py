"""expert endpoints of the review app on /api/v1/review/."""

urlpatterns = []
