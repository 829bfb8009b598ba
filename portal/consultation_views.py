"""The public consultations on the portal (Decree 713 Art. 14–15): the list, one consultation with its draft clause
by clause and, while it is open, the opinion form; the receipt lookup (the opinion and its answer).

What is read comes from `participation.selectors` (never a commenter's name, contact or organization); an opinion is
sent through `participation.services.submit_comment`, whose refusals are shown at the form and store nothing. The
consultation and receipt pages carry a form (a CSRF token): `private, no-store`, never cached; the list is cached
as the catalog list is (`portal.cache.cached_page`)."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accountability.context import client_ip
from participation import selectors
from participation.forms import CommentForm
from participation.models import Consultation, OpinionAnswer
from participation.services import ParticipationError, comment_by_receipt, submit_comment

from .cache import cached_page
from .catalog_views import _private
from .honeypot import HoneypotForm
from .views import decision_url_maker, readable_decisions


class PublicCommentForm(HoneypotForm, CommentForm):
    """The opinion form of the portal: `CommentForm` with a honeypot field a person leaves empty."""


@require_GET
@cached_page
def consultation_list(request):
    decision_url = decision_url_maker()
    rows = [
        {"consultation": consultation, "decision": consultation.step.decision}
        for consultation in selectors.public_consultations()
    ]
    for row in rows:
        row["decision_url"] = decision_url(row["decision"].pk)
    return render(request, "portal/consultation_list.html", {"rows": rows})


def _detail(request, consultation: Consultation, form, status: int = 200, refusal: str = ""):
    decision = consultation.step.decision
    today = timezone.localdate()
    shown = readable_decisions().filter(pk=decision.pk).exists()
    context = {
        "consultation": consultation,
        "decision": decision,
        "decision_url": decision_url_maker()(decision.pk) if shown else "",
        "clauses": selectors.public_clauses(consultation),
        "form": form,
        "is_open": consultation.status == Consultation.Status.OPEN and consultation.comment_end >= today,
        "report": selectors.published_report(consultation),
        "refusal": refusal,
    }
    return render(request, "portal/consultation_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def consultation_detail(request, pk: int):
    """The consultation and its draft; while open, the opinion form (an accepted opinion: its receipt page; a refused
    one: the form again with the service's message and status, nothing stored)."""
    consultation = selectors.public_consultation(pk)
    if consultation is None:
        raise Http404
    if request.method == "GET":
        initial = {}
        clause = request.GET.get("clause", "")
        if clause.isascii() and clause.isdigit() and len(clause) <= 18:
            initial["clause"] = consultation.clauses.filter(pk=int(clause)).first()
        form = PublicCommentForm(initial=initial, consultation=consultation)
        return _private(_detail(request, consultation, form))
    form = PublicCommentForm(request.POST, request.FILES, consultation=consultation)
    if not form.is_valid():
        return _private(_detail(request, consultation, form, status=400))
    data = form.cleaned_data
    try:
        comment = submit_comment(
            consultation=consultation,
            name=data["name"],
            contact=data["contact"],
            text=data["text"],
            organization=data["organization"],
            clause=data["clause"],
            client_address=client_ip(request),
            attachment=data.get("attachment"),
        )
    except ParticipationError as refusal:
        fields = [name for name in refusal.fields or () if name in form.fields]
        for name in fields:
            form.add_error(name, refusal.message)
        # A refusal about no field of the form (the period, the rate): shown above the draft, form open or not.
        message = "" if fields else refusal.message
        response = _detail(request, consultation, form, status=refusal.status or 400, refusal=message)
        if refusal.wait:
            response["Retry-After"] = str(refusal.wait)
        return _private(response)
    return _private(
        render(request, "portal/consultation_receipt.html", {"comment": comment, "consultation": consultation})
    )


class OpinionReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=30)
    contact = forms.CharField(label=_("The telephone or e-mail you gave"), max_length=100)


@require_http_methods(["GET", "POST"])
def opinion_receipt(request):
    """An opinion and its answer, by its receipt number and the contact it was sent with (both must match: the same
    "not found" otherwise, so the page tells nothing about receipt numbers or contacts)."""
    if request.method == "GET":
        return _private(render(request, "portal/consultation_receipt.html", {"form": OpinionReceiptForm()}))
    form = OpinionReceiptForm(request.POST)
    answer, valid = None, form.is_valid()
    if valid:
        comment = comment_by_receipt(form.cleaned_data["receipt_number"], form.cleaned_data["contact"])
        if comment is not None:
            code = selectors.effective_answer(comment)
            answer = {
                "receipt_number": comment.receipt_number,
                "submitted_at": comment.submitted_at,
                "consultation": comment.consultation,
                "clause": comment.clause,
                "text": comment.text,
                "is_hidden": comment.is_hidden,
                "hidden_reason": comment.hidden_reason,
                "answered": bool(code),
                "answer_label": OpinionAnswer(code).label,
                "answer_reason": selectors.effective_answer_reason(comment),
            }
        else:
            form.add_error(None, _("No opinion has this receipt number and contact."))
    status = 200 if answer else 404 if valid else 400
    return _private(
        render(request, "portal/consultation_receipt.html", {"form": form, "answer": answer}, status=status)
    )
