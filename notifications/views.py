"""The inbox of notices under /manage/notices/: thin views over notifications.services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import EmailModeForm
from .models import Notice
from .selectors import email_mode
from .selectors import inbox as inbox_of

PAGE_SIZE = 25
MAX_PAGE = 10_000


def _page(request) -> int:
    value = request.GET.get("page") or "1"
    if not (value.isascii() and value.isdigit() and len(value) <= 5) or not 1 <= int(value) <= MAX_PAGE:
        raise Http404(_("No such page."))
    return int(value)


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    notices = inbox_of(request.user, unread_only=unread_only)
    paginator = Paginator(notices, PAGE_SIZE)
    number = _page(request)
    if number > max(paginator.num_pages, 1):
        raise Http404(_("No such page."))
    page = paginator.page(number)
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


def _own(request, pk: int) -> Notice:
    # Another person's notice is a 404, never a 403: its existence is not theirs to learn.
    return get_object_or_404(Notice, pk=pk, recipient=request.user)


@login_required
def open_notice(request, pk: int):
    notice = _own(request, pk)
    services.mark_read(request.user, notice)
    target = notice.url or "/manage/notices/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/manage/notices/"
    return redirect(target)


@login_required
@require_POST
def read(request, pk: int):
    services.mark_read(request.user, _own(request, pk))
    return redirect("notices:inbox")


@login_required
@require_POST
def read_all(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("%(count)s notices marked read.") % {"count": count})
    return redirect("notices:inbox")


@login_required
def preferences(request):
    form = EmailModeForm(request.POST or None, initial={"email_mode": email_mode(request.user)})
    if request.method == "POST":
        if form.is_valid():
            services.set_email_mode(request.user, form.cleaned_data["email_mode"])
            messages.success(request, _("Your choice is saved."))
            return redirect("notices:settings")
        return render(request, "notifications/settings.html", {"form": form}, status=400)
    return render(request, "notifications/settings.html", {"form": form})
