"""Error pages that need a view of their own (403, 404 and 500 are templates/403.html, 404.html, 500.html)."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the site's 403 page in the user's language, saying what to do (the reason stays in logs)."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)
