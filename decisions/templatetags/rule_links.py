"""Refusals cite the ordering rules by code (`rule1.steps_not_done`); these tags link them to the rule pages."""

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from decisions.rules import RULES, rule_label
from decisions.rules import rule_number as number_of

register = template.Library()

_NUMBERS = "".join(str(rule.number) for rule in RULES)  # "1234567"
_CHINESE = "一二三四五六七"  # the Chinese texts write the rules' numbers in words: 程序规则一、二
_DIGIT = {**{digit: int(digit) for digit in _NUMBERS}, **{word: i + 1 for i, word in enumerate(_CHINESE)}}
# "Rule 1", "Rule 1 and 2", "程序规则4", "程序规则一", "程序规则一、二"; never "Rule 12" nor "Rule 8".
_MENTION = re.compile(
    rf"(?<![\w])(?P<first>Rule (?P<n1>[{_NUMBERS}]))(?:(?P<join> and )(?P<n2>[{_NUMBERS}]))?(?!\d)"
    rf"|(?P<zfirst>程序规则(?P<z1>[{_NUMBERS}{_CHINESE}]))(?:(?P<zjoin>、)(?P<z2>[{_CHINESE}]))?(?![\d{_CHINESE}])"
)


@register.filter
def rule_number(code: str | None) -> int | None:
    """`rule4.quorum` → 4; None for a code that cites no ordering rule."""
    return number_of(code)


@register.simple_tag
def rule_name(number: int) -> str:
    return rule_label(number)


def _link(text: str, number: int) -> str:
    return format_html('<a class="rule-link" href="{}">{}</a>', reverse("manage:rule", args=[number]), text)


def _replace(match: re.Match) -> str:
    if match["first"]:
        first, n1, join, n2 = match["first"], match["n1"], match["join"], match["n2"]
    else:
        first, n1, join, n2 = match["zfirst"], match["z1"], match["zjoin"], match["z2"]
    linked = _link(first, _DIGIT[n1])
    return linked + (join + _link(n2, _DIGIT[n2]) if n2 else "")


@register.filter(needs_autoescape=True)
def link_rules(text, autoescape: bool = True) -> SafeString:
    """The text (a flashed message, a transition's "Rule 1; Decree 713 Art. 28"), escaped, with each mention of an
    ordering rule ("Rule N", "程序规则N") linked to its page /manage/rules/N/."""
    escaped = str(conditional_escape(text) if autoescape else text)
    return mark_safe(_MENTION.sub(_replace, escaped))  # noqa: S308 — escaped above; the links are format_html's
