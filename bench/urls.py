"""The application's URLs plus the minimal views the benchmarks compare the application's pages and API with."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@login_required
def minimal(request):
    """The whole middleware stack and the session's user, no query of its own, no template."""
    return HttpResponse("ok", content_type="text/plain")


def public_minimal(request):
    """The middleware stack for an anonymous visitor, no query, no template: the portal's reference."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def public_minimal_post(request):
    """An anonymous JSON POST answered 201 with a tiny JSON body: the middleware stack and the body's parsing, no
    query. The comments benchmark's reference (the comment API is anonymous and CSRF-exempt too)."""
    json.loads(request.body or b"{}")
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("bench/public-minimal/", public_minimal, name="bench_public_minimal"),
    path("bench/public-minimal-post/", public_minimal_post, name="bench_public_minimal_post"),
    path("", include("config.urls")),
]
