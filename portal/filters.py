"""The portal's search: the keyword (`?q=`, over titles, numbers and summaries; index-backed on PostgreSQL through
`decisions.search.keyword_filter`) and the filters by organ, year, scope category and status, over published
decisions only. A bad value is a form error shown at its field; the list is then empty, never "all decisions"."""

from functools import cache
from html import escape

import django_filters
from django import forms
from django.db import connection
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from decisions.models import Decision
from decisions.procedure import PUBLIC_STATES, State
from decisions.search import keyword_filter

PUBLIC_STATUS_CHOICES = [(value, label) for value, label in State.choices if value in PUBLIC_STATES]


# The choices are given as functions: a filter set and then its form deep-copy every filter and field they hold, and
# copying lists of lazily translated labels took the search page about a millisecond (a function is not copied).
def category_choices():
    return Decision.ScopeCategory.choices


def status_choices():
    return PUBLIC_STATUS_CHOICES


def html_text(value) -> str:
    """`value` as HTML text: what `conditional_escape` gives (a safe string as it is, anything else escaped), as a
    plain string for the f-strings below (format_html per option cost the search page about a millisecond)."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


class Select(forms.Select):
    """Django's select, the same HTML as its templates (`select.html`, `select_option.html`, `attrs.html`) give, written
    here: the templates include one template per option, which made the search form (one option per organ: fifty in
    a large city) the slowest part of the search page. Option groups are left to the templates."""

    @staticmethod
    def attributes(attrs: dict) -> str:
        return "".join(
            f" {html_text(name)}" if value is True else f' {html_text(name)}="{html_text(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )

    def render(self, name, value, attrs=None, renderer=None):
        choices = [(str("" if key is None else key), label) for key, label in self.choices]
        if self.allow_multiple_selected or any(isinstance(label, (list, tuple)) for _key, label in choices):
            return super().render(name, value, attrs, renderer)
        values = set(self.format_value(value))
        options, selected = [], False
        for key, label in choices:
            chosen = not selected and key in values  # as Django's optgroups: only the first match is selected
            selected = selected or chosen
            options.append(
                f'\n  <option value="{html_text(key)}"{" selected" if chosen else ""}>{html_text(label)}</option>\n'
            )
        attributes = self.attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # noqa: S308 - every value went through html_text
            f'<select name="{html_text(name)}"{attributes}>{"".join(options)}\n</select>'
        )


class TextInput(forms.TextInput):
    """Django's text input, the same HTML as its templates (`input.html`, `attrs.html`) give, written here (see
    `Select`)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = "" if widget["value"] is None else f' value="{html_text(str(widget["value"]))}"'
        return mark_safe(  # noqa: S308 - every value went through html_text
            f'<input type="{html_text(widget["type"])}" name="{html_text(widget["name"])}"{value}'
            f"{Select.attributes(widget['attrs'])}>"
        )


class NumberInput(forms.NumberInput):
    render = TextInput.render


def label_html(field) -> str:
    """What `BoundField.label_tag()` writes for a portal filter field (the form's suffix unless the label ends in
    punctuation; `for` the widget's id), without its template. Anything else (no id, a field's own suffix, a
    required-field class, a label already marked safe) goes to `label_tag()` itself."""
    label = field.label
    unusual = (
        not field.id_for_label
        or field.field.label_suffix is not None
        or getattr(field.form, "required_css_class", None)
        or isinstance(label, SafeString)
    )
    if unusual:
        return field.label_tag()
    label = str(label)
    suffix = field.form.label_suffix
    if suffix and label and label[-1] not in _(":?.!"):
        label += str(suffix)
    return f'<label for="{html_text(field.id_for_label)}">{html_text(label)}</label>'


def filter_fields_html(form) -> SafeString:
    """The fields of a portal filter form as the templates' loop wrote them (`<div class="field">`, the label, the
    widget, each error), in Python: rendered by templates, a form cost a search page about a millisecond a field."""
    fields = []
    for field in form:
        errors = "".join(f'<p class="error" role="alert">{html_text(error)}</p>' for error in field.errors)
        fields.append(
            f'<div class="field{" has-error" if field.errors else ""}">\n        {label_html(field)} '
            f"{html_text(field)}\n        {errors}\n      </div>"
        )
    return mark_safe("\n    \n      ".join(fields))  # noqa: S308 - every value went through html_text


def organ_choices() -> list[tuple[int, str]]:
    """The decision organs (governments) as (id, name) choices, by name: one plain query (through the ORM, building
    this fifty-row read cost the search page ten times what PostgreSQL spent running it)."""
    table = Organization._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, name FROM {table} WHERE kind = %s ORDER BY name, id",  # noqa: S608 - the table's own name
            [Organization.Kind.GOVERNMENT.value],
        )
        return cursor.fetchall()


class PublicDecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Keyword"),
        method="keyword",
        max_length=100,
        widget=TextInput(attrs={"type": "search", "placeholder": _("e.g. 听证, 养老, a number")}),
    )
    # The organs as plain (id, name) choices read once per form: a model choice field reads them through a
    # server-side cursor (three round trips on PostgreSQL) and wraps every option; the HTML and the error are the same.
    organ = django_filters.ChoiceFilter(
        label=_("Decision organ"),
        empty_label=_("All organs"),
        widget=Select,
        error_messages={"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]},
    )
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="year", min_value=2000, max_value=2100, widget=NumberInput
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        field_name="scope_category",
        choices=category_choices,
        empty_label=_("All categories"),
        widget=Select,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=status_choices, empty_label=_("All states"), widget=Select
    )

    class Meta:
        model = Decision
        fields = ["q", "organ", "year", "category", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once, when the form first asks (its validation, then its select).
        self.filters["organ"].extra["choices"] = cache(organ_choices)

    def keyword(self, queryset, name, value):
        value = value.strip()
        return keyword_filter(queryset, value) if value else queryset
