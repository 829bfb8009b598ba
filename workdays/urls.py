from django.urls import path

from . import views

urlpatterns = [
    path("", views.holidays, name="holidays"),
    path("add/", views.holiday_add, name="holiday_add"),
    path("notice/", views.holiday_notice, name="holiday_notice"),
    path("<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
