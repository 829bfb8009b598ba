"""The translation catalogs: complete, placeholder-safe, compiled, and actually used by Django.

No database: these tests read locale/*/LC_MESSAGES/django.po and .mo with polib and ask Django's gettext.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGS = {language: LOCALE_DIR / language / "LC_MESSAGES" / "django.po" for language in ("zh_Hans", "en")}
ZH_PO = CATALOGS["zh_Hans"]

# %(name)s, %(seconds).1f, %s, %d …; {{ page }}, {name}, {0}
PERCENT_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE_PLACEHOLDER = re.compile(r"\{\{\s*[\w.|]+\s*\}\}|\{[\w.]*(?:![rsa])?(?::[^{}]*)?\}")


def placeholders(text: str) -> set[str]:
    text = text.replace("%%", "")
    return set(PERCENT_PLACEHOLDER.findall(text)) | set(BRACE_PLACEHOLDER.findall(text))


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def as_dict(catalog) -> dict[tuple[str | None, str], str]:
    """{(msgctxt, msgid): msgstr} of the translated entries, header left out (msgstr[0] for plurals)."""
    result = {}
    for entry in catalog:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
            continue
        text = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        if text:
            result[(entry.msgctxt, entry.msgid)] = text
    return result


@pytest.fixture(scope="module")
def zh_po() -> polib.POFile:
    return polib.pofile(str(ZH_PO))


def test_chinese_catalog_is_complete(zh_po):
    assert len(zh_po) > 0
    assert [e.msgid for e in zh_po.untranslated_entries()] == []
    assert [e.msgid for e in zh_po.fuzzy_entries()] == []
    assert not zh_po.metadata_is_fuzzy
    for entry in zh_po:
        assert all(text.strip() for text in translations(entry)), entry.msgid


def test_chinese_catalog_header(zh_po):
    assert zh_po.metadata["Language"] == "zh_Hans"
    assert zh_po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in zh_po.metadata["Content-Type"]


def test_chinese_translations_keep_every_placeholder(zh_po):
    mismatches = []
    for entry in zh_po:
        expected = placeholders(entry.msgid) | (placeholders(entry.msgid_plural) if entry.msgid_plural else set())
        for text in translations(entry):
            if placeholders(text) != expected:
                mismatches.append((entry.msgid, text))
    assert mismatches == []


def test_python_format_translations_format_like_their_msgids(zh_po):
    """A stray % or a misspelled name would raise at run time, in front of a user."""
    for entry in zh_po:
        if "python-format" not in entry.flags:
            continue
        names = set(re.findall(r"%\((\w+)\)", entry.msgid))
        values = dict.fromkeys(names, 1)
        for text in translations(entry):
            assert isinstance(text % values, str), entry.msgid  # raises on a broken format


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_compiled_catalog_matches_po(language):
    po_path = CATALOGS[language]
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run manage.py compilemessages"
    assert as_dict(polib.mofile(str(mo_path))) == as_dict(polib.pofile(str(po_path))), (
        f"{mo_path} is stale: run manage.py compilemessages -l zh_Hans -l en --ignore '.venv/*'"
    )


def test_django_speaks_chinese_and_english():
    from decisions.procedure import State, StepKind

    with translation.override("zh-hans"):
        assert translation.gettext("Decisions") == "决策事项"
        assert translation.gettext("Legality review") == "合法性审查"
        assert str(State.PUBLISHED.label) == "已公布"
        assert str(StepKind.PUBLIC_PARTICIPATION.label) == "公众参与"
        assert translation.gettext("Page %(page)s") % {"page": 2} == "第 2 页"
    with translation.override("en"):
        assert translation.gettext("Decisions") == "Decisions"
        assert str(State.PUBLISHED.label) == "Published"
