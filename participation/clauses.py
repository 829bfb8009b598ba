"""A draft regulation or decision split into the clauses citizens comment on (征求意见): articles (条) under their
chapters (章) and sections (节), each with its paragraphs (款).

Pure functions, no models. `split_clauses` reads plain text, one paragraph a line; `text_of_docx` gives that text
for a Word (.docx) upload.

- An article starts a line with 第<number>条 (Chinese numerals 一…九千九百九十九, 〇/零, 两; or Arabic 第3条), then a
  space, a full-width space or the text itself. Articles are numbered 1, 2, 3… without gap or repeat: a draft that
  repeats or skips a number is refused, naming the line, for the drafter to correct.
- A line that starts 第<number>条 but goes on with a reference (第三条规定的…, 第三条第二款…, 第三条、第四条…) is a
  paragraph citing an article, not a new article.
- 第<number>章 and 第<number>节 lines are headings: they set `chapter` for the articles after them
  ("第二章 申请与受理 / 第一节 申请"). A table of contents (headings one after another) is harmless.
- Text before the first article is the preamble, clause "序言" (number 0).
- A text without any article (a plan, a decision written in paragraphs) is split into paragraphs 第1段, 第2段…
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_CHARACTERS = 200_000
MAX_CLAUSES = 1_000
MAX_DOCX_UNCOMPRESSED_MB = 100  # a .docx is a zip: refuse one that would inflate beyond this (a zip bomb)

PREAMBLE_LABEL = "序言"

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = r"[〇零一二两三四五六七八九十百千0-9０-９]+"
_SPACE = r"[ \t\u3000]*"  # inside a label: 第 3 条, 第　三　条

_ARTICLE = re.compile(rf"第{_SPACE}(?P<numeral>{_NUMERAL}){_SPACE}条(?P<rest>.*)", re.DOTALL)
_HEADING = re.compile(rf"第{_SPACE}(?P<numeral>{_NUMERAL}){_SPACE}(?P<kind>[章节])(?P<rest>.*)", re.DOTALL)
# What follows 第…条 directly (no space) when the line cites an article instead of starting one.
_REFERENCE = re.compile(
    rf"(?:[、，,]|(?:和|及|与|或|或者|以及|至|到){_SPACE}第|第{_SPACE}{_NUMERAL}{_SPACE}[款项条]"
    r"|规定|所称|所列|所述|所规定|的规定|中规定|之规定)"
)
# 项 （一） and 目 1. lines belong to the paragraph (款) above them.
_ITEM = re.compile(r"(?:[（(][〇零一二两三四五六七八九十百]+[）)]|[0-9０-９]+[.．、])")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


class DraftTextError(ValueError):
    """The draft cannot be split; the message (translated) says why and, when it can, on which line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ClauseText:
    number: int  # the article number for 条 (1, 2, 3…), 0 for the preamble, the running order for paragraphs (段)
    label: str  # as in the draft: "第三条", "第3条", "序言", "第1段"
    chapter: str  # the enclosing heading: "第二章 申请与受理", "第二章 申请与受理 / 第一节 申请", or ""
    text: str  # the clause's paragraphs joined by "\n", without the label


# ---------------------------------------------------------------- numerals


def numeral_value(numeral: str) -> int | None:
    """三 → 3, 二十一 → 21, 一百零五 → 105, 两百 → 200, 一〇五 → 105, 12 / １２ → 12; None if malformed."""
    numeral = unicodedata.normalize("NFKC", numeral)
    if numeral.isascii():
        return int(numeral) if numeral.isdigit() else None
    if any(ch.isascii() for ch in numeral):
        return None  # 1十, 第十2条
    if not any(ch in _UNITS for ch in numeral):  # written digit by digit: 一〇五
        value = 0
        for ch in numeral:
            value = value * 10 + _DIGITS[ch]
        return value
    total, digit, last_unit = 0, None, 10_000
    for ch in numeral:
        if ch in _DIGITS:
            if digit:
                return None  # 二三十, 一百五零
            digit = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            if unit >= last_unit or digit == 0:
                return None  # 十十, 百千, 零十
            if digit is None and total:
                return None  # 一百十 is written 一百一十; a lone 十 only leads (十一)
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit:
        if last_unit == 10 or total == 0:
            total += digit
        elif numeral[-2] in _UNITS:  # 一百五 (150), 三千二 (3200): the digit counts in the next unit down
            total += digit * last_unit // 10
        else:  # 一百零五
            total += digit
    return total


def chinese_numeral(value: int) -> str:
    """3 → 三, 10 → 十, 21 → 二十一, 105 → 一百零五, 110 → 一百一十 (1…9999)."""
    if not 0 < value < 10_000:
        raise ValueError(value)
    digits = "〇一二三四五六七八九"
    parts, zero_pending = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(digits[digit] + name)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def _label_like(found: str, value: int) -> str:
    """The label of article `value`, in the style (Chinese or Arabic numerals) of the label `found`."""
    if any(ch.isdigit() for ch in found):
        return f"第{value}条"
    return f"第{chinese_numeral(value)}条"


# ---------------------------------------------------------------- splitting


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number from 1, stripped line) of the non-blank lines; \\r\\n, \\r and full-width spaces handled."""
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().strip(_INVISIBLE).strip()
        if line:
            result.append((number, line))
    return result


def _heading_title(rest: str) -> str:
    """ "　总　　则" → "总则": the padding between Chinese characters goes, other spaces shrink to one."""
    return _CJK_GAP.sub("", " ".join(rest.split()))


def _article(line: str) -> tuple[str, str, str] | None:
    """(label, numeral, text) if the line starts an article."""
    match = _ARTICLE.match(line)
    if not match:
        return None
    rest = match["rest"]
    if rest and not rest[0].isspace() and _REFERENCE.match(rest):
        return None
    numeral = match["numeral"]
    return f"第{numeral}条", numeral, rest.strip()


def _heading(line: str) -> tuple[str, str] | None:
    """(kind 章/节, heading) if the line is a chapter or section heading."""
    match = _HEADING.match(line)
    if not match or numeral_value(match["numeral"]) is None:
        return None
    title = _heading_title(match["rest"])
    label = f"第{match['numeral']}{match['kind']}"
    return match["kind"], f"{label} {title}" if title else label


class _Headings:
    """The chapter (章) and section (节) read so far: a 章 heading replaces both, a 节 heading the section."""

    def __init__(self) -> None:
        self.chapter = self.section = ""

    def enter(self, kind: str, heading: str) -> None:
        if kind == "章":
            self.chapter, self.section = heading, ""
        else:
            self.section = heading

    def __str__(self) -> str:
        return " / ".join(part for part in (self.chapter, self.section) if part)


def _check_clause_count(count: int) -> None:
    if count > MAX_CLAUSES:
        raise DraftTextError(
            _("The draft has more than %(limit)s clauses; at most %(limit)s clauses can be opened for comment.")
            % {"limit": f"{MAX_CLAUSES:,}"}
        )


def split_clauses(text: str) -> list[ClauseText]:
    """The clauses of a draft, in document order: the preamble (序言) if any, then one per article (条); or, in a
    text without articles, one per paragraph (第1段…). Raises DraftTextError for a repeated, skipped or unreadable
    article number, text between a heading and the next article, or a draft over the limits."""
    if len(text) > MAX_CHARACTERS:
        raise DraftTextError(
            _("The draft has %(count)s characters; at most %(limit)s characters can be split into clauses.")
            % {"count": f"{len(text):,}", "limit": f"{MAX_CHARACTERS:,}"}
        )
    lines = _lines(text)
    if any(_article(line) for _, line in lines):
        return _split_articles(lines)
    return _split_paragraphs(lines)


def _split_paragraphs(lines: list[tuple[int, str]]) -> list[ClauseText]:
    clauses: list[ClauseText] = []
    headings = _Headings()
    for _number, line in lines:
        heading = _heading(line)
        if heading:
            headings.enter(*heading)
            continue
        number = len(clauses) + 1
        _check_clause_count(number)
        clauses.append(ClauseText(number=number, label=f"第{number}段", chapter=str(headings), text=line))
    return clauses


def _split_articles(lines: list[tuple[int, str]]) -> list[ClauseText]:
    clauses: list[ClauseText] = []
    preamble: list[str] = []
    headings = _Headings()
    after_heading: str | None = None  # the heading just read, until an article follows it
    current: tuple[int, str, str, list[str]] | None = None  # number, label, chapter, paragraphs
    seen: set[int] = set()

    def close() -> None:
        if current is not None:
            number, label, article_chapter, paragraphs = current
            clauses.append(ClauseText(number, label, article_chapter, "\n".join(p for p in paragraphs if p)))

    for line_number, line in lines:
        article = _article(line)
        if article:
            label, numeral, first = article
            value = numeral_value(numeral)
            if value is None or value == 0:
                raise DraftTextError(
                    _("Line %(line)s: the article number in %(label)s cannot be read.")
                    % {"line": line_number, "label": label},
                    line=line_number,
                )
            if value in seen:
                raise DraftTextError(
                    _("Line %(line)s: %(label)s appears twice; each article number may be used only once.")
                    % {"line": line_number, "label": label},
                    line=line_number,
                )
            expected = len(seen) + 1
            if value != expected:
                raise DraftTextError(
                    _("Line %(line)s: %(label)s is out of order; the article expected here is %(expected)s.")
                    % {"line": line_number, "label": label, "expected": _label_like(label, expected)},
                    line=line_number,
                )
            seen.add(value)
            close()
            _check_clause_count(len(clauses) + 1)
            current = (value, label, str(headings), [first])
            after_heading = None
            continue
        heading = _heading(line)
        if heading:
            headings.enter(*heading)
            after_heading = heading[1]
            continue
        if after_heading is not None:
            raise DraftTextError(
                _("Line %(line)s: the text after the heading “%(heading)s” must begin with an article (第…条).")
                % {"line": line_number, "heading": after_heading},
                line=line_number,
            )
        if current is None:
            preamble.append(line)
        else:
            current[3].append(line)
    close()
    if preamble:
        clauses.insert(0, ClauseText(number=0, label=PREAMBLE_LABEL, chapter="", text="\n".join(preamble)))
        _check_clause_count(len(clauses))
    return clauses


# ---------------------------------------------------------------- paragraphs (款)


def paragraphs(clause: ClauseText) -> list[str]:
    """The paragraphs (款) of an article: one a line, except that item lines (项 （一）…, 目 1.…) stay with the
    paragraph that introduces them, as 第三条第二款 counts them."""
    result: list[str] = []
    for line in clause.text.split("\n"):
        if not line:
            continue
        if result and _ITEM.match(line):
            result[-1] += "\n" + line
        else:
            result.append(line)
    return result


def paragraph_label(clause: ClauseText, index: int) -> str:
    """The label of the paragraph `index` (from 1) of an article: 第三条第二款 (第3条第2款 in Arabic style)."""
    if any(ch.isdigit() for ch in clause.label):
        return f"{clause.label}第{index}款"
    return f"{clause.label}第{chinese_numeral(index)}款"


# ---------------------------------------------------------------- .docx


def text_of_docx(uploaded_file) -> str:
    """The text of a Word (.docx) file, one paragraph a line, in document order; a table's rows come where the table
    stands, one line a row, its cells separated by " | ". Raises DraftTextError for a file that is not a .docx."""
    import docx  # python-docx: only this function needs it
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import LxmlError

    not_docx = _("This file is not a Word (.docx) document.")
    try:
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        with zipfile.ZipFile(uploaded_file) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
        if inflated > MAX_DOCX_UNCOMPRESSED_MB * 1024 * 1024:
            raise DraftTextError(
                _("This Word document is too large to read: it holds more than %(limit)s MB of content.")
                % {"limit": MAX_DOCX_UNCOMPRESSED_MB}
            )
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        document = docx.Document(uploaded_file)
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_rows(block))
            else:
                lines.append(block.text)
    except DraftTextError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        PackageNotFoundError,
        KeyError,
        ValueError,
        LxmlError,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as error:
        raise DraftTextError(not_docx) from error
    return "\n".join(lines)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:
            if cell._tc is last:  # a merged cell repeats across the columns it spans
                continue
            last = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows
