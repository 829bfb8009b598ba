from django.urls import include, path

app_name = "participation"

urlpatterns = [
    # Hearings (participation/hearing_views.py).
    path("hearings/", include("participation.hearing_urls")),
]
