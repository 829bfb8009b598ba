"""The catalogs in the staff workspace (/manage/catalogs/). Thin: reads through `selectors`, acts through `services`
(which check the permission again and refuse with a translated message); bad input changes nothing (400)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import organ_id_of
from accounts.roles import Role
from decisions.errors import ProcedureError

from . import forms, selectors, services
from .models import Catalog, CatalogEntry, CatalogVersion, Suggestion, SuggestionWindow


def _organ(request):
    if not selectors.may_see_catalogs(request.user):
        raise PermissionDenied(_("Your role does not see the catalogs."))
    return request.user.organization.organ if request.user.organization_id else None


def _catalog(request, pk: int) -> Catalog:
    return get_object_or_404(selectors.catalogs_for(request.user), pk=pk)


def _entry(request, pk: int) -> CatalogEntry:
    if not selectors.may_see_catalogs(request.user):
        raise Http404
    return get_object_or_404(
        CatalogEntry.objects.select_related("catalog__organ", "undertaking_unit"),
        pk=pk,
        catalog__organ_id=organ_id_of(request.user),
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _field_of(refusal: ProcedureError, form) -> str | None:
    return next((name for name in refusal.fields if name in form.fields), None)


def _form_refused(form, refusal: ProcedureError) -> None:
    form.add_error(_field_of(refusal, form), str(refusal.message))


def _back(catalog_pk: int):
    return redirect(reverse("catalog:detail", args=[catalog_pk]))


# ---------------------------------------------------------------- catalogs


@login_required
def catalog_list(request):
    organ = _organ(request)
    return render(
        request,
        "catalog/catalog_list.html",
        {
            "catalogs": list(selectors.catalogs_for(request.user)),
            "form": forms.CatalogForm(),
            "may_compile": services.may_compile(request.user, organ) if organ else False,
        },
    )


@login_required
@require_POST
def catalog_create(request):
    organ = _organ(request)
    _require(organ is not None and services.may_compile(request.user, organ), _("Only the government office compiles."))
    form = forms.CatalogForm(request.POST)
    if form.is_valid():
        try:
            catalog = services.create_catalog(actor=request.user, organ=organ, **form.cleaned_data)
        except ProcedureError as refusal:
            _form_refused(form, refusal)
        else:
            messages.success(request, _("Catalog %(year)s started.") % {"year": catalog.year})
            return _back(catalog.pk)
    return render(
        request,
        "catalog/catalog_list.html",
        {"catalogs": list(selectors.catalogs_for(request.user)), "form": form, "may_compile": True},
        status=400,
    )


def _detail_context(request, catalog: Catalog) -> dict:
    entries = list(selectors.catalog_entries(catalog, include_removed=True))
    all_versions = list(selectors.versions(catalog))
    may_compile = services.may_compile(request.user, catalog.organ)
    return {
        "catalog": catalog,
        "entries": [entry for entry in entries if not entry.removed],
        "removed_entries": [entry for entry in entries if entry.removed],
        "versions": all_versions,
        "meetings": list(catalog.meetings.order_by("held_on", "pk").prefetch_related("speakers")),
        "may_compile": may_compile,
        "may_review": services.may_review(request.user, catalog.organ),
        "editable": may_compile and catalog.status in services.EDITABLE_STATUSES,
        "Status": Catalog.Status,
        "Review": CatalogEntry.Review,
        "review_statuses": (Catalog.Status.IN_REVIEW, Catalog.Status.ADJUSTING),
        "approval_form": forms.ApprovalForm(),
        "reason_form": forms.ReasonForm(),
        "review_form": forms.ReviewForm(),
    }


@login_required
def catalog_detail(request, pk: int):
    catalog = _catalog(request, pk)
    return render(request, "catalog/catalog_detail.html", _detail_context(request, catalog))


ACTIONS = {
    "send-to-review": (services.send_to_review, gettext_lazy("Sent to the legal office for review.")),
    "back-to-compiling": (services.return_to_compiling, gettext_lazy("Back to compiling.")),
    "publish": (services.publish_catalog, gettext_lazy("The catalog is published.")),
    "publish-adjustment": (services.publish_adjustment, gettext_lazy("The adjustment is published.")),
}


@login_required
@require_POST
def catalog_act(request, pk: int, action: str):
    catalog = _catalog(request, pk)
    if action not in ACTIONS:
        raise Http404
    perform, done = ACTIONS[action]
    try:
        perform(catalog=catalog, actor=request.user)
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, str(done))
    return _back(catalog.pk)


@login_required
@require_POST
def catalog_approval(request, pk: int):
    catalog = _catalog(request, pk)
    _require(services.may_compile(request.user, catalog.organ), _("Only the government office records the approval."))
    form = forms.ApprovalForm(request.POST)
    if form.is_valid():
        try:
            services.record_approval(catalog=catalog, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            _form_refused(form, refusal)
        else:
            messages.success(request, _("The meeting's approval is recorded."))
            return _back(catalog.pk)
    context = _detail_context(request, catalog) | {"approval_form": form}
    return render(request, "catalog/catalog_detail.html", context, status=400)


@login_required
@require_POST
def catalog_adjust(request, pk: int):
    catalog = _catalog(request, pk)
    _require(services.may_compile(request.user, catalog.organ), _("Only the government office adjusts the catalog."))
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.start_adjustment(catalog=catalog, actor=request.user, reason=form.cleaned_data["reason"])
        except ProcedureError as refusal:
            _form_refused(form, refusal)
        else:
            messages.success(request, _("The adjustment is started."))
            return _back(catalog.pk)
    context = _detail_context(request, catalog) | {"reason_form": form}
    return render(request, "catalog/catalog_detail.html", context, status=400)


@login_required
def catalog_version(request, pk: int, number: int):
    catalog = _catalog(request, pk)
    version = get_object_or_404(CatalogVersion, catalog=catalog, number=number)
    previous = CatalogVersion.objects.filter(catalog=catalog, number=number - 1).first()
    return render(
        request,
        "catalog/version.html",
        {
            "catalog": catalog,
            "version": version,
            "entries": selectors.public_entries(version),
            "diff": selectors.version_diff(previous, version) if previous else None,
        },
    )


# ---------------------------------------------------------------- entries


def _entry_page(request, catalog, form, entry=None, status=200):
    return render(request, "catalog/entry_form.html", {"catalog": catalog, "form": form, "entry": entry}, status=status)


@login_required
def entry_add(request, pk: int):
    catalog = _catalog(request, pk)
    _require(services.may_compile(request.user, catalog.organ), _("Only the government office compiles."))
    form = forms.NewEntryForm(request.POST or None, organ=catalog.organ, catalog=catalog)
    if request.method != "POST":
        return _entry_page(request, catalog, form)
    if form.is_valid():
        data = form.cleaned_data
        fields = form.service_fields()
        if data.get("decision"):  # the decision's own values and flags, unless the form gave a text or a choice
            fields = {
                name: value for name, value in fields.items() if value not in ("", None) and not isinstance(value, bool)
            }
        try:
            services.add_entry(
                catalog=catalog,
                actor=request.user,
                reason=data["reason"],
                suggestion=data.get("suggestion"),
                decision=data.get("decision"),
                **fields,
            )
        except ProcedureError as refusal:
            _form_refused(form, refusal)
        else:
            messages.success(request, _("Entry added."))
            return _back(catalog.pk)
    return _entry_page(request, catalog, form, status=400)


@login_required
def entry_edit(request, pk: int):
    entry = _entry(request, pk)
    catalog = entry.catalog
    _require(services.may_compile(request.user, catalog.organ), _("Only the government office compiles."))
    form = forms.EntryForm(request.POST or None, instance=entry, organ=catalog.organ)
    if request.method != "POST":
        return _entry_page(request, catalog, form, entry)
    if form.is_valid():
        entry.refresh_from_db()  # the form wrote into the instance; the service compares with what is stored
        try:
            services.update_entry(
                entry=entry, actor=request.user, reason=form.cleaned_data["reason"], **form.service_fields()
            )
        except ProcedureError as refusal:
            _form_refused(form, refusal)
        else:
            messages.success(request, _("Entry changed."))
            return _back(catalog.pk)
    return _entry_page(request, catalog, form, entry, status=400)


@login_required
@require_POST
def entry_remove(request, pk: int):
    entry = _entry(request, pk)
    _require(services.may_compile(request.user, entry.catalog.organ), _("Only the government office compiles."))
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Removing an entry needs a reason."))
        return _back(entry.catalog_id)
    try:
        services.remove_entry(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Entry removed."))
    return _back(entry.catalog_id)


@login_required
@require_POST
def entry_review(request, pk: int):
    entry = _entry(request, pk)
    _require(services.may_review(request.user, entry.catalog.organ), _("Only the legal office reviews entries."))
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_entry(
                entry=entry,
                actor=request.user,
                approve=form.cleaned_data["verdict"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ProcedureError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Verdict recorded."))
        return _back(entry.catalog_id)
    context = _detail_context(request, entry.catalog) | {"review_form": form, "review_entry": entry}
    return render(request, "catalog/catalog_detail.html", context, status=400)


# ---------------------------------------------------------------- suggestion windows and suggestions


def _windows_page(request, form, status=200):
    organ = _organ(request)
    return render(
        request,
        "catalog/windows.html",
        {
            "windows": list(selectors.windows_for(request.user)),
            "form": form,
            "may_compile": bool(organ) and services.may_compile(request.user, organ),
        },
        status=status,
    )


@login_required
def window_list(request):
    return _windows_page(request, forms.WindowForm())


@login_required
@require_POST
def window_create(request):
    organ = _organ(request)
    _require(organ is not None and services.may_compile(request.user, organ), _("Only the government office asks."))
    form = forms.WindowForm(request.POST)
    if form.is_valid():
        try:
            services.open_suggestion_window(actor=request.user, organ=organ, **form.cleaned_data)
        except ProcedureError as refusal:
            _form_refused(form, refusal)
        else:
            messages.success(request, _("The suggestion window is open."))
            return redirect(reverse("catalog:windows"))
    return _windows_page(request, form, status=400)


def _window(request, pk: int) -> SuggestionWindow:
    if not selectors.may_see_catalogs(request.user):
        raise Http404
    return get_object_or_404(
        SuggestionWindow.objects.select_related("organ"), pk=pk, organ_id=organ_id_of(request.user)
    )


def _window_page(request, window, *, answer_form=None, answer_for=None, status=200):
    suggestions = list(selectors.window_suggestions(window))
    for suggestion in suggestions:
        suggestion.masked_contact = selectors.mask_contact(suggestion.contact)
    return render(
        request,
        "catalog/window.html",
        {
            "window": window,
            "suggestions": suggestions,
            "may_compile": services.may_compile(request.user, window.organ),
            "answer_form": answer_form or forms.AnswerForm(),
            "answer_for": answer_for,
            "reason_form": forms.ReasonForm(),
        },
        status=status,
    )


@login_required
def window_detail(request, pk: int):
    return _window_page(request, _window(request, pk))


def _suggestion(request, pk: int) -> Suggestion:
    if not selectors.may_see_catalogs(request.user):
        raise Http404
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("window__organ"), pk=pk, window__organ_id=organ_id_of(request.user)
    )
    _require(request.user.has_role(Role.GOV_OFFICE), _("Only the government office answers suggestions."))
    return suggestion


@login_required
@require_POST
def suggestion_answer(request, pk: int):
    suggestion = _suggestion(request, pk)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_suggestion(
                suggestion=suggestion,
                actor=request.user,
                taken=form.cleaned_data["answer"] == Suggestion.Answer.TAKEN,
                reason=form.cleaned_data["reason"],
            )
        except ProcedureError as refusal:
            _form_refused(form, refusal)
        else:
            messages.success(request, _("Answered."))
            return redirect(reverse("catalog:window", args=[suggestion.window_id]))
    return _window_page(request, suggestion.window, answer_form=form, answer_for=suggestion, status=400)


@login_required
@require_POST
def suggestion_hide(request, pk: int):
    suggestion = _suggestion(request, pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hiding a suggestion needs a reason."))
        return redirect(reverse("catalog:window", args=[suggestion.window_id]))
    try:
        services.hide_suggestion(suggestion=suggestion, actor=request.user, reason=form.cleaned_data["reason"])
    except ProcedureError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Hidden."))
    return redirect(reverse("catalog:window", args=[suggestion.window_id]))
