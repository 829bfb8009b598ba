"""The portal's search: the keyword (`?q=`, over titles, numbers and summaries; index-backed on PostgreSQL through
`decisions.search.keyword_filter`) and the filters by organ, year, scope category and status, over published
decisions only. A bad value is a form error shown at its field; the list is then empty, never "all decisions"."""

import django_filters
from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.models import Decision
from decisions.procedure import PUBLIC_STATES, State
from decisions.search import keyword_filter

PUBLIC_STATUS_CHOICES = [(value, label) for value, label in State.choices if value in PUBLIC_STATES]


class Select(forms.Select):
    """Django's select, the same HTML as its templates (`select.html`, `select_option.html`, `attrs.html`) give, written
    here: the templates include one template per option, which made the search form (one option per organ: fifty in
    a large city) the slowest part of the search page. Option groups are left to the templates."""

    @staticmethod
    def attributes(attrs: dict):
        return mark_safe(  # noqa: S308 - every part is escaped by format_html
            "".join(
                format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
                for name, value in attrs.items()
                if value is not False
            )
        )

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _choices, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (str(option["value"]), self.attributes(option["attrs"]), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], self.attributes(widget["attrs"]), options
        )


def organs():
    return Organization.objects.filter(kind=Organization.Kind.GOVERNMENT).order_by("name")


class PublicDecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Keyword"),
        method="keyword",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 听证, 养老, a number")}),
    )
    organ = django_filters.ModelChoiceFilter(
        label=_("Decision organ"), queryset=organs(), empty_label=_("All organs"), widget=Select
    )
    year = django_filters.NumberFilter(label=_("Year"), field_name="year", min_value=2000, max_value=2100)
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        field_name="scope_category",
        choices=Decision.ScopeCategory.choices,
        empty_label=_("All categories"),
        widget=Select,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PUBLIC_STATUS_CHOICES, empty_label=_("All states"), widget=Select
    )

    class Meta:
        model = Decision
        fields = ["q", "organ", "year", "category", "status"]

    def keyword(self, queryset, name, value):
        value = value.strip()
        return keyword_filter(queryset, value) if value else queryset
