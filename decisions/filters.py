"""The one filter of decision lists: the staff list page (/manage/decisions/) and the API (/api/v1/decisions/).

It narrows what the user may see (`visible_decisions`) and never widens it; a bad value is a form error (the page
shows it with 400, the API answers 400), never a silent "all decisions".
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import organ_id_of

from .models import Decision
from .procedure import State
from .search import keyword_filter
from .selectors import visible_decisions


def units_for(user):
    """The undertaking units a user may filter by: the organizations of their decision organ (not the organ)."""
    organ = user.organization.organ if getattr(user, "organization_id", None) else None
    if organ is None:
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=organ.descendant_ids()).exclude(kind=Organization.Kind.GOVERNMENT)


def _units(request):
    return units_for(request.user) if request is not None else Organization.objects.none()


def _organs(request):
    """Only the user's own decision organ: choices never reveal (or probe) another organ's id."""
    organ_id = organ_id_of(request.user) if request is not None else None
    return Organization.objects.filter(pk=organ_id, kind=Organization.Kind.GOVERNMENT)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class DecisionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=State.choices, empty_label=_("All states"))
    organ = django_filters.ModelChoiceFilter(
        label=_("Decision organ"),
        queryset=_organs,
        empty_label=_("All organs"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Undertaking unit"),
        field_name="undertaking_unit",
        queryset=_units,
        empty_label=_("All units"),
    )
    year = YearFilter(label=_("Year"), min_value=2000, max_value=2100)
    q = django_filters.CharFilter(label=_("Keyword"), method="keyword", max_length=100)

    class Meta:
        model = Decision
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, omit=(), **kwargs):
        if queryset is None:
            queryset = visible_decisions(request.user) if request is not None else Decision.objects.none()
        super().__init__(data, queryset, request=request, **kwargs)
        for name in omit:
            self.filters.pop(name)

    def keyword(self, queryset, name, value):
        """A keyword in the number, the title or the summary (on PostgreSQL through the bigram index: search.py)."""
        value = value.strip()
        if not value:
            return queryset
        return keyword_filter(queryset, value)
