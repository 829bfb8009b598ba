"""Following by e-mail on the portal: the form on a decision's page and on the organs' page, the confirmation and the
unsubscribe pages (reached by the token in the mails; no login). Thin views over `notifications.follow`.

Whatever the address already follows, a valid request answers the same "check your mail": the pages never tell
whether an address follows anything, and never show an address.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accountability.context import client_ip
from notifications import follow as following
from notifications.follow import FollowRefusal

from .follow_forms import FollowForm, OrganFollowForm
from .views import decision_page, public_decision


def _check_your_mail(request) -> None:
    messages.success(
        request,
        _(
            "Thank you. If the address can receive mail, a message to confirm is on its way: check your mail (and "
            "its spam folder). Nothing else is sent until you confirm."
        ),
    )


def _refused(response, refusal: FollowRefusal):
    if refusal.wait:
        response["Retry-After"] = str(refusal.wait)
    return response


@require_POST
def follow_decision(request, pk: int):
    """Follow a published decision (an unpublished or confidential one is 404, as its page)."""
    decision = public_decision(pk)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return decision_page(request, decision, follow_form=form, status=400)
    try:
        following.request_follow(email=form.cleaned_data["email"], decision=decision, client_address=client_ip(request))
    except FollowRefusal as refusal:
        if refusal.status == 404:
            raise Http404(refusal.message) from refusal
        form.add_error(None, refusal.message)
        return _refused(decision_page(request, decision, follow_form=form, status=refusal.status), refusal)
    _check_your_mail(request)
    return redirect(reverse("portal:decision", args=[decision.pk]) + "#follow")


@require_http_methods(["GET", "POST"])
def follow_organ(request):
    """Follow an organ's catalog: the organ's catalog when it is published, its decisions entering it and published."""
    if request.method == "GET":
        initial = {}
        organ = request.GET.get("organ", "")
        if organ.isascii() and organ.isdigit() and len(organ) <= 18:
            initial["organ"] = following.followable_organs().filter(pk=int(organ)).first()
        return render(request, "portal/follow_organ.html", {"form": OrganFollowForm(initial=initial)})
    form = OrganFollowForm(request.POST)
    if form.is_valid():
        try:
            following.request_follow(
                email=form.cleaned_data["email"], organ=form.cleaned_data["organ"], client_address=client_ip(request)
            )
        except FollowRefusal as refusal:
            form.add_error(None, refusal.message)
            page = render(request, "portal/follow_organ.html", {"form": form}, status=refusal.status)
            return _refused(page, refusal)
        _check_your_mail(request)
        return redirect("portal:follow")
    return render(request, "portal/follow_organ.html", {"form": form}, status=400)


def _by_token(token: str):
    follow = following.follow_for(token)
    if follow is None:
        raise Http404(_("This link is not valid (any more)."))
    return follow


@require_http_methods(["GET", "POST"])
def follow_confirm(request, token: str):
    """The confirmation link: a page with a button (a mail scanner that opens links confirms nothing), which POSTs."""
    follow = _by_token(token)
    outcome = following.confirm_follow(follow) if request.method == "POST" else None
    return render(
        request,
        "portal/follow_confirm.html",
        {"follow": follow, "target": following.describe_target(follow), "outcome": outcome},
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie; the token is the credential
@require_http_methods(["GET", "POST"])
def follow_unsubscribe(request, token: str):
    """One click, no login: GET shows the button, POST (from it, or from the mail client) unsubscribes at once."""
    follow = _by_token(token)
    outcome = following.unsubscribe(follow) if request.method == "POST" else None
    return render(
        request,
        "portal/follow_unsubscribe.html",
        {"follow": follow, "target": following.describe_target(follow), "outcome": outcome},
    )
