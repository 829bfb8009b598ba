"""The import of offline opinions in the staff workspace (/manage/participation/consultations/<pk>/import/): the form
with the columns expected and a template to download, and the report of an import, row by row.

Thin: the import (`participation.imports`) checks everything again. Who may see the pages: whoever may enter offline
opinions on the consultation (the undertaking unit's drafter or head); a consultation of a decision the user does not
see is not found (404), one they see but may not enter opinions on is refused (403). A refused file or a file with a
bad row stores nothing and is answered 400."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from decisions.access import decision_for
from decisions.errors import ProcedureError

from . import imports, services
from .models import Consultation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OpinionImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of opinions (CSV or XLSX)"),
        help_text=gettext_lazy("One opinion a row, below a header row naming the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def _consultation(request, pk: int) -> tuple[Consultation, ProcedureError | None]:
    """The consultation, when the user sees its decision (404 otherwise) and may enter its offline opinions (403
    otherwise); with the refusal of entering them now (its status, the decision ended), if any."""
    consultation = get_object_or_404(Consultation.objects.select_related("step__decision"), pk=pk)
    decision_for(request.user, consultation.step.decision_id)
    try:
        services.check_offline_entry(consultation, request.user)
    except ProcedureError as refusal:
        if getattr(refusal, "status", None) == 403:
            raise PermissionDenied(refusal.message) from refusal
        return consultation, refusal
    return consultation, None


def _columns() -> list[dict]:
    """The expected columns, as the page lists them."""
    channels = "、".join(f"{name} ({code})" for name, code in imports.channel_names())
    notes = {
        "channel": channels,
        "name": _("At most %(limit)s characters.") % {"limit": services.NAME_MAX},
        "contact": _("A telephone number or an e-mail address; may be left empty."),
        "organization": _("May be left empty."),
        "clause": _("The clause's label (第三条) or number (3); empty: the draft as a whole."),
        "text": _("%(min)s to %(max)s characters.") % {"min": services.TEXT_MIN, "max": services.TEXT_MAX},
    }
    return [
        {
            "chinese": names[0],
            "english": field,
            "label": imports.COLUMN_LABELS[field],
            "required": field in imports.REQUIRED,
            "note": notes[field],
        }
        for field, names in imports.COLUMNS.items()
    ]


def _page(request, consultation, form, *, refusal=None, report=None, status=200):
    return render(
        request,
        "participation/import.html",
        {
            "consultation": consultation,
            "decision": consultation.step.decision,
            "step": consultation.step,
            "form": form,
            "refusal": refusal,
            "report": report,
            "columns": _columns(),
            "max_rows": imports.MAX_ROWS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_opinions(request, pk: int):
    consultation, refusal = _consultation(request, pk)
    if request.method != "POST":
        return _page(request, consultation, OpinionImportForm(), refusal=refusal)
    form = OpinionImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, consultation, form, refusal=refusal, status=400)
    try:
        report = imports.import_offline_opinions(
            consultation=consultation, actor=request.user, uploaded_file=form.cleaned_data["file"]
        )
    except ProcedureError as refused:
        form.add_error("file", str(refused.message))
        return _page(request, consultation, form, refusal=refusal, status=400)
    if not report.stored:
        return _page(request, consultation, form, report=report, status=400)
    # Shown, not redirected: the report (each row's receipt number) is the answer to the upload.
    return _page(request, consultation, OpinionImportForm(), report=report)


@login_required
@require_GET
def import_template(request, pk: int):
    """The template: the header row, as an Excel workbook or (`?format=csv`) as CSV."""
    consultation, _refusal = _consultation(request, pk)
    if request.GET.get("format") == "csv":
        response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
        extension = "csv"
    else:
        response = HttpResponse(imports.template_xlsx(), content_type=XLSX_TYPE)
        extension = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="opinions-{consultation.pk}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
