from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_list, name="list"),
    path("new/", views.catalog_create, name="create"),
    path("<int:pk>/", views.catalog_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.catalog_act, name="act"),
    path("<int:pk>/approval/", views.catalog_approval, name="approval"),
    path("<int:pk>/adjustment/", views.catalog_adjust, name="adjust"),
    path("<int:pk>/versions/<int:number>/", views.catalog_version, name="version"),
    path("<int:pk>/entries/new/", views.entry_add, name="entry_add"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/remove/", views.entry_remove, name="entry_remove"),
    path("entries/<int:pk>/review/", views.entry_review, name="entry_review"),
    path("suggestions/", views.window_list, name="windows"),
    path("suggestions/new/", views.window_create, name="window_create"),
    path("suggestions/<int:pk>/", views.window_detail, name="window"),
    path("suggestions/item/<int:pk>/answer/", views.suggestion_answer, name="suggestion_answer"),
    path("suggestions/item/<int:pk>/hide/", views.suggestion_hide, name="suggestion_hide"),
]
