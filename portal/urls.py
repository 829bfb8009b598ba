from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import (
    catalog_views,
    consultation_views,
    evaluation_views,
    feeds,
    follow_views,
    problem_report_views,
    survey_views,
    views,
)
from .cache import cached_page
from .sitemaps import SITEMAPS

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("documents/<int:pk>/", views.public_document, name="document"),
    path("language/", views.language, name="language"),
    # Feeds, the sitemap and the yearly open-data downloads (cached whole, public).
    path("feeds/decisions.rss", cached_page(feeds.PublishedDecisionsFeed()), name="feed_rss"),
    path("feeds/decisions.atom", cached_page(feeds.PublishedDecisionsAtomFeed()), name="feed_atom"),
    path("sitemap.xml", cached_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("open-data/<int:year>.json", views.open_data_json, name="open_data_json"),
    path("open-data/<int:year>.csv", views.open_data_csv, name="open_data_csv"),
    # The published decision catalogs, their versions, exports and new entries; suggestions and their receipts.
    path("catalogs/", catalog_views.catalog_list, name="catalogs"),
    path("catalogs/<int:organ_id>/<int:year>/", catalog_views.catalog_page, name="catalog"),
    path("catalogs/<int:organ_id>/<int:year>/versions/", catalog_views.catalog_versions, name="catalog_versions"),
    path("catalogs/<int:organ_id>/<int:year>.csv", catalog_views.catalog_csv, name="catalog_csv"),
    path("catalogs/<int:organ_id>/<int:year>.xlsx", catalog_views.catalog_xlsx, name="catalog_xlsx"),
    path("feeds/catalog-entries.rss", cached_page(catalog_views.NewCatalogEntriesFeed()), name="feed_entries_rss"),
    path(
        "feeds/catalog-entries.atom",
        cached_page(catalog_views.NewCatalogEntriesAtomFeed()),
        name="feed_entries_atom",
    ),
    path("suggest/", catalog_views.suggest, name="suggest"),
    path("suggest/receipt/", catalog_views.receipt, name="receipt"),
    # Public consultations on drafts: the list, one consultation with its opinion form, the receipt lookup.
    path("consultations/", consultation_views.consultation_list, name="consultations"),
    path("consultations/<int:pk>/", consultation_views.consultation_detail, name="consultation"),
    path("consultations/receipt/", consultation_views.opinion_receipt, name="consultation_receipt"),
    # The published post-decision evaluation plans (portal/evaluation_views.py).
    path(
        "evaluation-plans/<int:organ_id>/<int:year>/",
        evaluation_views.evaluation_plan,
        name="evaluation_plan",
    ),
    # Hearings: the announcements, applications and their receipts, the confirmed records (portal/hearing_views.py).
    path("hearings/", include("portal.hearing_urls")),
    # The satisfaction survey of a post-decision evaluation, and its results once closed (portal/survey_views.py).
    path("surveys/<int:pk>/", survey_views.survey_detail, name="survey"),
    path("surveys/<int:pk>/results/", survey_views.survey_results, name="survey_results"),
    # Following by e-mail (no account): the form on a decision's page, an organ's catalog, and the mails' links.
    path("decisions/<int:pk>/follow/", follow_views.follow_decision, name="follow_decision"),
    path("follow/", follow_views.follow_organ, name="follow"),
    # Problems in a decision's execution reported by the public, and the lookup of their answers (Art. 35).
    path("decisions/<int:pk>/problems/", problem_report_views.report_problem, name="report_problem"),
    path("problems/receipt/", problem_report_views.problem_report_lookup, name="problem_report_lookup"),
    path("follow/confirm/<slug:token>/", follow_views.follow_confirm, name="follow_confirm"),
    path("follow/unsubscribe/<slug:token>/", follow_views.follow_unsubscribe, name="follow_unsubscribe"),
]
