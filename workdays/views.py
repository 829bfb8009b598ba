"""The holiday calendar in the workspace (/manage/holidays/): the legal office enters each year's State Council notice.

Thin views over workdays.services, which check who may change the calendar and record every change in the ledger.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .calendar import year_is_covered
from .forms import HolidayForm, HolidayNoticeForm
from .models import Holiday

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or str(timezone.localdate().year + 1)
    if not (value.isascii() and value.isdigit() and len(value) == 4) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise Http404(_("No such year."))
    return int(value)


def _page(request, year: int, *, form=None, notice_form=None, status=200):
    if not services.may_edit_calendar(request.user):
        raise PermissionDenied(_("Only the legal office keeps the holiday calendar."))
    return render(
        request,
        "workdays/holidays.html",
        {
            "year": year,
            "years": [year - 1, year, year + 1],
            "days": Holiday.objects.filter(date__year=year),
            "covered": year_is_covered(year),
            "entered": Holiday.objects.filter(date__year=year).exists(),
            "form": form or HolidayForm(),
            "notice_form": notice_form or HolidayNoticeForm(),
        },
        status=status,
    )


def _back(year: int):
    return redirect(f"{reverse('holidays')}?year={year}")


@login_required
def holidays(request):
    return _page(request, _year(request))


@login_required
@require_POST
def holiday_add(request):
    year = _year(request)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        return _page(request, year, form=form, status=400)
    try:
        holiday = services.save_holiday(actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, year, form=form, status=400)
    messages.success(request, _("%(date)s entered.") % {"date": holiday.date.isoformat()})
    return _back(holiday.date.year)


@login_required
@require_POST
def holiday_notice(request):
    year = _year(request)
    form = HolidayNoticeForm(request.POST)
    if not form.is_valid():
        return _page(request, year, notice_form=form, status=400)
    saved = services.save_holidays(actor=request.user, days=form.cleaned_data["lines"])
    messages.success(request, _("%(count)s days entered or corrected.") % {"count": saved})
    return _back(year)


@login_required
@require_POST
def holiday_delete(request, pk: int):
    if not services.may_edit_calendar(request.user):
        raise PermissionDenied(_("Only the legal office keeps the holiday calendar."))
    holiday = get_object_or_404(Holiday, pk=pk)
    services.delete_holiday(actor=request.user, holiday=holiday)
    messages.success(request, _("%(date)s removed.") % {"date": holiday.date.isoformat()})
    return _back(holiday.date.year)
