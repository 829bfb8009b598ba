"""The reviews in the staff workspace (/manage/review/): the expert pool and reviews, the risk assessment and the
fair-competition checklist, department co-signing."""

from django.urls import include, path

app_name = "review"

urlpatterns = [
    path("experts/", include("review.expert_urls")),
    path("risk/", include("review.risk_urls")),
    path("co-signing/", include("review.cosigning_urls")),
    path("legality/", include("review.legality_urls")),
]
