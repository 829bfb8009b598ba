"""The reviews on the API (/api/v1/review/), in the `api` namespace."""

from django.urls import include, path

urlpatterns = [
    path("experts/", include("review.expert_api_urls")),
    path("risk/", include("review.risk_api_urls")),
    path("co-signing/", include("review.cosigning_api_urls")),
    path("legality/", include("review.legality_api_urls")),
]
