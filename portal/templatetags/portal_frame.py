"""The portal's frame — the head's links, the header with its navigation and language links, the footer — rendered
once per language and kept for the process: it is the same on every page (a dozen reversed URLs and translations,
about a millisecond of every portal page). Only the language links carry the page's own address, put in on each use.

Kept only with DEBUG off (with DEBUG on, templates are read again on every use) and forgotten whenever a setting
changes (tests)."""

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

PARTS = ("head", "top", "bottom")
# Where the page's own address goes (`next=` of the language links): nothing else writes these characters.
NEXT_MARKER = "__portal_frame_next__"


def _render(part: str) -> str:
    return render_to_string(f"portal/includes/frame_{part}.html", {"next_marker": NEXT_MARKER})


@lru_cache(maxsize=32)
def _kept(part: str, language: str, script_prefix: str) -> str:
    return _render(part)


def _forget(**kwargs) -> None:
    _kept.cache_clear()


setting_changed.connect(_forget)


@register.simple_tag(takes_context=True)
def portal_frame(context, part: str):
    if part not in PARTS:
        raise template.TemplateSyntaxError(f"portal_frame: no part {part!r} (one of {', '.join(PARTS)})")
    html = _render(part) if settings.DEBUG else _kept(part, get_language(), get_script_prefix())
    if NEXT_MARKER in html:
        request = context.get("request")
        # What `{{ request.get_full_path|urlencode }}` wrote (quote keeps nothing that needs escaping in HTML).
        html = html.replace(NEXT_MARKER, quote(request.get_full_path(), safe="/") if request else "")
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, autoescaped; the address is quoted
