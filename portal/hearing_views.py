"""The hearings on the portal (Decree 713 Art. 16–17): the list, one hearing's announcement (matter, time, place, how
to apply, how the participants are selected; after the selection the published result) with the application form
while applications are taken, the receipt page (receipt number and contact → the outcome, and for a selected
participant the record to confirm), and the record once every participant who spoke has confirmed it.

What is read comes from `participation.hearings`' public reads: never an applicant's name, contact or organization
(a participant's statements are shown under the interest they represented). Applications and confirmations go
through `participation.hearings`, whose refusals are shown at the form and store nothing. Pages with a form are
`private, no-store`; the list and the published record are cached like the consultation list
(`portal.cache.cached_page`). Hearings of a decision claimed confidential are never shown."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accountability.context import client_ip
from participation import hearings
from participation.hearing_forms import ApplicationForm, ApplicationReceiptForm
from participation.models import Hearing, HearingApplication
from participation.services import ParticipationError

from .cache import cached_page
from .catalog_views import _private
from .honeypot import HoneypotForm
from .views import decision_url_maker, readable_decisions


class PublicApplicationForm(HoneypotForm, ApplicationForm):
    """The application form of the portal: `ApplicationForm` with a honeypot field a person leaves empty."""


@require_GET
@cached_page
def hearing_list(request):
    rows = [{"hearing": hearing, "decision": hearing.step.decision} for hearing in hearings.public_hearings()]
    return render(request, "portal/hearing_list.html", {"rows": rows})


def _detail(request, hearing: Hearing, form, status: int = 200, refusal: str = ""):
    decision = hearing.step.decision
    shown = readable_decisions().filter(pk=decision.pk).exists()
    context = {
        "hearing": hearing,
        "decision": decision,
        "decision_url": decision_url_maker()(decision.pk) if shown else "",
        "form": form,
        "taking_applications": hearings.not_taking_applications(hearing) is None,
        "counts": hearings.application_counts(hearing),
        "selected": hearing.status in (Hearing.Status.SELECTED, Hearing.Status.HELD),
        "refusal": refusal,
    }
    return render(request, "portal/hearing_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def hearing_detail(request, pk: int):
    """The announcement; while applications are taken, the form (an accepted application: its receipt; a refused
    one: the form again with the service's message and status, nothing stored)."""
    hearing = hearings.public_hearing(pk)
    if hearing is None:
        raise Http404
    if request.method == "GET":
        return _private(_detail(request, hearing, PublicApplicationForm()))
    form = PublicApplicationForm(request.POST)
    if not form.is_valid():
        return _private(_detail(request, hearing, form, status=400))
    data = form.cleaned_data
    try:
        application = hearings.apply_to_hearing(
            hearing=hearing,
            name=data["name"],
            contact=data["contact"],
            organization=data["organization"],
            interest=data["interest"],
            statement=data["statement"],
            client_address=client_ip(request),
        )
    except ParticipationError as refusal:
        fields = [name for name in refusal.fields or () if name in form.fields]
        for name in fields:
            form.add_error(name, refusal.message)
        message = "" if fields else refusal.message
        response = _detail(request, hearing, form, status=refusal.status or 400, refusal=message)
        if refusal.wait:
            response["Retry-After"] = str(refusal.wait)
        return _private(response)
    return _private(
        render(request, "portal/hearing_receipt.html", {"received": application, "hearing": hearing, "form": None})
    )


def _receipt_context(application: HearingApplication) -> dict:
    """What the applicant reads of their application: never more than they sent and its outcome; for a selected
    participant, the record to confirm (the public version: participants under their interest)."""
    hearing = application.hearing
    record_taken = hearing.status in (Hearing.Status.SELECTED, Hearing.Status.HELD) and hearing.statements.exists()
    selected = application.outcome == HearingApplication.Outcome.SELECTED
    return {
        "application": application,
        "hearing": hearing,
        "public": hearings.public_hearing(hearing.pk) is not None,
        "selected": selected,
        "record": hearings.public_record(hearing) if selected and record_taken else [],
        "may_confirm": selected
        and record_taken
        and hearing.status == Hearing.Status.SELECTED
        and application.record_confirmed_at is None,
        "via_label": hearings.via_label(application.record_confirmed_via),
    }


@require_http_methods(["GET", "POST"])
def application_receipt(request):
    """An application's outcome by its receipt number and contact (both must match: the same "not found" otherwise);
    with `confirm` a selected participant confirms the record."""
    if request.method == "GET":
        return _private(render(request, "portal/hearing_receipt.html", {"form": ApplicationReceiptForm()}))
    form = ApplicationReceiptForm(request.POST)
    if not form.is_valid():
        return _private(render(request, "portal/hearing_receipt.html", {"form": form}, status=400))
    number, contact = form.cleaned_data["receipt_number"], form.cleaned_data["contact"]
    application = hearings.application_by_receipt(number, contact)
    if application is None or application.hearing.step.decision.is_confidential:
        form.add_error(None, _("No application has this receipt number and contact."))
        return _private(render(request, "portal/hearing_receipt.html", {"form": form}, status=404))
    status, confirmed, refusal = 200, False, ""
    if request.POST.get("confirm"):
        try:
            application = hearings.confirm_record_by_receipt(receipt_number=number, contact=contact)
            confirmed = True
        except ParticipationError as refused:
            status, refusal = refused.status or 400, refused.message
            application = hearings.application_by_receipt(number, contact)
    context = {"form": form, "confirmed": confirmed, "refusal": refusal} | _receipt_context(application)
    return _private(render(request, "portal/hearing_receipt.html", context, status=status))


@require_GET
@cached_page
def hearing_record(request, pk: int):
    """The record of a hearing held, once every participant who spoke confirmed it."""
    hearing = hearings.public_hearing(pk)
    if hearing is None or hearing.status != Hearing.Status.HELD or not hearing.record_signed:
        raise Http404
    return render(
        request,
        "portal/hearing_record.html",
        {"hearing": hearing, "decision": hearing.step.decision, "record": hearings.public_record(hearing)},
    )
