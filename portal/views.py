"""What the public sees: published decisions (never a confidential one) and their public documents."""

from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from decisions.models import Document
from decisions.selectors import latest_publication, public_decisions
from decisions.services import PUBLIC_LIST_CACHE_KEY

from .follow_forms import FollowForm

HOME_LIMIT = 50


def home(request):
    rows = cache.get(PUBLIC_LIST_CACHE_KEY)
    if rows is None:
        rows = list(
            public_decisions()
            .select_related("undertaking_unit", "organ")
            .order_by("-published_at", "-id")
            .values("pk", "number", "title", "status", "published_at", "undertaking_unit__name", "organ__name")[
                :HOME_LIMIT
            ]
        )
        cache.set(PUBLIC_LIST_CACHE_KEY, rows, 600)
    return render(request, "portal/home.html", {"decisions": rows})


def public_decision(pk: int):
    return get_object_or_404(
        public_decisions().select_related("undertaking_unit", "organ").prefetch_related("steps"), pk=pk
    )


def decision_page(request, decision, *, follow_form=None, status: int = 200):
    """The decision's public page; `follow_form` bound when a follow request is shown again with its errors."""
    return render(
        request,
        "portal/decision_detail.html",
        {
            "decision": decision,
            "publication": latest_publication(decision),
            "documents": decision.documents.filter(is_public=True).order_by("kind", "-version"),
            "follow_form": follow_form or FollowForm(),
        },
        status=status,
    )


def decision_detail(request, pk: int):
    return decision_page(request, public_decision(pk))


def public_document(request, pk: int):
    document = get_object_or_404(Document, pk=pk, is_public=True)
    if not public_decisions().filter(pk=document.decision_id).exists():
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
