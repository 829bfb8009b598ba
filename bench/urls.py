"""The application's URLs plus one minimal view, the reference the workspace benchmark compares its pages with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def minimal(request):
    """The whole middleware stack and the session's user, no query of its own, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("config.urls")),
]
