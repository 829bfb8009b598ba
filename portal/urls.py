from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("documents/<int:pk>/", views.public_document, name="document"),
]
