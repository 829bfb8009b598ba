from django.urls import path

from . import follow_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("documents/<int:pk>/", views.public_document, name="document"),
    # Following by e-mail (no account): the form on a decision's page, an organ's catalog, and the mails' links.
    path("decisions/<int:pk>/follow/", follow_views.follow_decision, name="follow_decision"),
    path("follow/", follow_views.follow_organ, name="follow"),
    path("follow/confirm/<slug:token>/", follow_views.follow_confirm, name="follow_confirm"),
    path("follow/unsubscribe/<slug:token>/", follow_views.follow_unsubscribe, name="follow_unsubscribe"),
]
