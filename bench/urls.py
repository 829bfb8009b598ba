"""The application's URLs plus one minimal view, the reference the workspace benchmark compares its pages with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def minimal(request):
    """The whole middleware stack and the session's user, no query of its own, no template."""
    return HttpResponse("ok", content_type="text/plain")


def public_minimal(request):
    """The middleware stack for an anonymous visitor, no query, no template: the portal's reference."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("bench/public-minimal/", public_minimal, name="bench_public_minimal"),
    path("", include("config.urls")),
]
