"""The execution page (/manage/decisions/<pk>/execution/, Decree 713 Art. 34–35): the execution unit, the cooperating
units, the cadence and the next due date (overdue in red), the indicators with each report's actual values (a chart,
and the same figures as a table), the reports newest first; the forms to set the indicators and to report.

No rule lives here: `services.set_indicators` and `services.report_progress` check and refuse; the forms only read
what was sent.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import services
from .access import decision_for
from .errors import ProcedureError

MAX_REPORT_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the documents of a report); each is checked by the service like every upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), required=False, max_length=200)
    unit = forms.CharField(label=_("Unit of measure"), required=False, max_length=50)
    baseline = forms.CharField(label=_("Baseline"), required=False, max_length=40)
    target = forms.CharField(label=_("Target"), required=False, max_length=40)


def plain_number(value) -> str:
    """A decimal as written, without trailing zeros and never in exponent form (100, not 1E+2)."""
    return format(value.normalize(), "f")


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=3, max_num=20, absolute_max=40)


def indicator_formset(overview, data=None) -> forms.BaseFormSet:
    initial = [
        {
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": "" if indicator.baseline is None else plain_number(indicator.baseline),
            "target": plain_number(indicator.target),
        }
        for indicator in overview.indicators
    ]
    return IndicatorFormSet(data, initial=initial, prefix="indicators")


class ReportForm(forms.Form):
    """A progress report: its period, progress, problems, each indicator's actual value (`value_<id>`), documents."""

    period = forms.CharField(label=_("Period reported on"), max_length=50, help_text=_("e.g. 2026年第三季度"))
    progress = forms.CharField(label=_("Progress report"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(
        label=_("Problems met and measures"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = MultipleFileField(label=_("Documents"), required=False)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            label = f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name
            self.fields[f"value_{indicator.pk}"] = forms.CharField(
                label=label,
                required=False,
                max_length=40,
                help_text=_("Target: %(target)s") % {"target": plain_number(indicator.target)},
            )

    def values(self) -> dict:
        return {indicator.pk: self.cleaned_data.get(f"value_{indicator.pk}", "") for indicator in self.indicators}


@login_required
def execution_page(request, pk: int, report_form=None, indicators_formset=None, indicators_error="", status=200):
    decision = decision_for(request.user, pk)
    overview = services.execution_overview(decision)
    return render(
        request,
        "decisions/execution.html",
        {
            "decision": decision,
            "overview": overview,
            "rows": overview.rows(),
            "chart": overview.chart_data(),
            "report_refusal": services.execution_report_refusal(decision, request.user),
            "indicators_refusal": services.indicators_refusal(decision, request.user),
            "report_form": report_form or ReportForm(indicators=overview.indicators),
            "indicators_formset": indicators_formset or indicator_formset(overview),
            "indicators_error": indicators_error,
        },
        status=status,
    )


@login_required
@require_POST
def execution_report(request, pk: int):
    decision = decision_for(request.user, pk)
    refusal = services.execution_report_refusal(decision, request.user)
    if refusal is not None and refusal.code.startswith("permission."):
        raise PermissionDenied(refusal.message)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("manage:execution", pk=decision.pk)
    overview = services.execution_overview(decision)
    form = ReportForm(request.POST, request.FILES, indicators=overview.indicators)
    if form.is_valid():
        try:
            services.report_progress(
                decision=decision,
                actor=request.user,
                period=form.cleaned_data["period"],
                progress=form.cleaned_data["progress"],
                problems=form.cleaned_data["problems"],
                values=form.values(),
                documents=form.cleaned_data["documents"],
            )
        except ProcedureError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Progress report recorded."))
            return redirect("manage:execution", pk=decision.pk)
    return execution_page(request, pk, report_form=form, status=400)


@login_required
@require_POST
def execution_indicators(request, pk: int):
    decision = decision_for(request.user, pk)
    refusal = services.indicators_refusal(decision, request.user)
    if refusal is not None and refusal.code.startswith("permission."):
        raise PermissionDenied(refusal.message)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("manage:execution", pk=decision.pk)
    formset = indicator_formset(services.execution_overview(decision), request.POST)
    error = ""
    if formset.is_valid():
        # A row left without a name is not an indicator (an empty extra row, or one being removed).
        indicators = [row for row in formset.cleaned_data if row and (row.get("name") or "").strip()]
        try:
            services.set_indicators(decision=decision, actor=request.user, indicators=indicators)
        except ProcedureError as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Indicators saved."))
            return redirect("manage:execution", pk=decision.pk)
    return execution_page(request, pk, indicators_formset=formset, indicators_error=error, status=400)
