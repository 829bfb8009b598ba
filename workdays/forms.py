import re
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Holiday

MAX_LINES = 200
MAX_RANGE_DAYS = 15  # the longest holiday of a State Council notice is about nine days
LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*[~～至]\s*(\d{4}-\d{2}-\d{2}))?\s+(rest|work|休|班)\s*(.*)$")
KINDS = {
    "rest": Holiday.Kind.REST_DAY,
    "休": Holiday.Kind.REST_DAY,
    "work": Holiday.Kind.WORKING_DAY,
    "班": Holiday.Kind.WORKING_DAY,
}


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class HolidayNoticeForm(forms.Form):
    """The State Council's yearly notice, pasted one line per period: "2027-01-01~2027-01-03 休 元旦"."""

    lines = forms.CharField(
        label=_("Days of the notice"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20_000,
        help_text=_(
            "One line per period: a date or a range, 休 (rest) or 班 (make-up working day), and the holiday's name, "
            "e.g. “2027-02-06~2027-02-13 休 春节” or “2027-02-14 班 春节”."
        ),
    )

    def clean_lines(self) -> list[tuple[date, str, str]]:
        raw = [line.strip() for line in self.cleaned_data["lines"].replace("\x00", "").splitlines() if line.strip()]
        if len(raw) > MAX_LINES:
            raise forms.ValidationError(_("At most %(count)s lines at a time.") % {"count": MAX_LINES})
        days, errors = {}, []
        for number, line in enumerate(raw, start=1):
            match = LINE.match(line)
            try:
                if not match:
                    raise ValueError
                start = date.fromisoformat(match[1])
                end = date.fromisoformat(match[2]) if match[2] else start
            except ValueError:
                errors.append(
                    _("Line %(number)s is not “date[~date] 休|班 name”: %(line)s")
                    % {"number": number, "line": line[:80]}
                )
                continue
            if end < start or (end - start).days >= MAX_RANGE_DAYS:
                errors.append(
                    _("Line %(number)s: the range must run forward and span at most %(days)s days.")
                    % {"number": number, "days": MAX_RANGE_DAYS}
                )
                continue
            day = start
            while day <= end:
                if day in days:
                    errors.append(
                        _("Line %(number)s: %(date)s is listed twice.") % {"number": number, "date": day.isoformat()}
                    )
                days[day] = (KINDS[match[3]], match[4].strip()[:60])
                day += timedelta(days=1)
        if errors:
            raise forms.ValidationError(errors)
        return [(day, kind, name) for day, (kind, name) in sorted(days.items())]
