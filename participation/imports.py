"""Offline opinions imported from a spreadsheet (Decree 713 Art. 14–15): what a symposium, a field visit, letters or
the press gathered, one opinion a row of a CSV or XLSX file, entered as `services.enter_offline_opinion` enters one.

The file: a header row (row 1) naming the columns in Chinese or English (渠道/channel, 姓名/name, 联系方式/contact,
单位/organization, 条款/clause, 意见/text; contact, organization and clause optional), then one opinion a row; empty
rows are skipped. CSV in UTF-8 (with or without BOM) or GB18030 (what Chinese Excel writes); XLSX checked by
`decisions.uploads.check_upload`, read by openpyxl, first sheet only.

All or nothing: every row is checked with the rules of one-by-one entry (`services.clean_offline_opinion`); one bad
row and nothing is stored, the report naming each bad row (its number in the file), the column and the message. When
every row is good, all are entered in one transaction, each with its receipt number and ledger event. A refusal of
the file as a whole (who may enter, the consultation's status, the file's type, content, columns or size) raises
a `ProcedureError` (mostly a `ParticipationError`) before any row is stored.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from decisions.bounds import text_error, text_problem
from decisions.errors import ProcedureError
from decisions.uploads import check_upload, check_xlsx_xml_parts, spreadsheet_cell

from . import services
from .clauses import numeral_value
from .models import Clause, Comment, Consultation
from .services import ParticipationError

MAX_ROWS = 2_000  # opinions (non-empty rows) a file may hold
MAX_LINES = 20_000  # rows read at all, empty ones included: a sheet of a million formatted empty rows is refused
MAX_COLUMNS = 50

# The columns: field → the names a header may give it (compared normalised: NFKC, lower case, no spaces, without a
# trailing "*" or a parenthesised note such as "（选填）").
COLUMNS: dict[str, tuple[str, ...]] = {
    "channel": ("渠道", "意见渠道", "来源", "channel", "source"),
    "name": ("姓名", "名称", "name"),
    "contact": ("联系方式", "联系电话", "contact", "phone", "email"),
    "organization": ("单位", "工作单位", "organization", "organisation", "unit"),
    "clause": ("条款", "clause", "article"),
    "text": ("意见", "意见内容", "text", "opinion"),
}
REQUIRED = ("channel", "name", "text")
# The header row of the template, per language: the first name of each column in Chinese, its field in English.
TEMPLATE_HEADERS = {"zh": [names[0] for names in COLUMNS.values()], "en": list(COLUMNS)}
COLUMN_LABELS = {
    "channel": gettext_lazy("Channel"),
    "name": gettext_lazy("Name"),
    "contact": gettext_lazy("Contact"),
    "organization": gettext_lazy("Organization"),
    "clause": gettext_lazy("Clause"),
    "text": gettext_lazy("Opinion"),
}
# The offline channels by their Chinese names (as written in the files; the codes and the labels are accepted too).
CHANNEL_NAMES = {
    Comment.Channel.SYMPOSIUM: "座谈会",
    Comment.Channel.FIELD_VISIT: "实地走访",
    Comment.Channel.LETTER: "信函",
    Comment.Channel.NEWSPAPER: "报刊",
    Comment.Channel.OTHER: "其他",
}
_NOTE = re.compile(r"[（(][^）)]*[）)]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BINARY_HEADS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"\x1f\x8b", b"Rar!")


@dataclass(frozen=True)
class RowError:
    field: str  # the column's field ("channel", "name", …; "" for the row as a whole)
    message: str  # translated

    @property
    def column(self) -> str:
        return str(COLUMN_LABELS.get(self.field, ""))


@dataclass
class ImportRow:
    number: int  # the row's number in the file: the header is row 1
    ok: bool
    receipt_number: str = ""  # once stored
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[ImportRow]
    stored: bool

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def good(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def bad(self) -> int:
        return self.total - self.good

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]


def _refused(code: str, message: str, fields=("file",)) -> ParticipationError:
    return ParticipationError(code, message, fields=fields)


# ---------------------------------------------------------------- reading the file


def _bounded(rows, name: str):
    """The rows (lists of text) numbered from 1, refusing a file of more than MAX_ROWS opinions or MAX_LINES rows."""
    opinions = 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_LINES:
            raise _refused(
                "import.too_many_rows",
                _("“%(name)s” has more than %(limit)s rows; a file may hold at most %(max)s opinions.")
                % {"name": name, "limit": f"{MAX_LINES:,}", "max": f"{MAX_ROWS:,}"},
            )
        cells = [spreadsheet_cell(value) for value in row]
        if number > 1 and any(cell.strip() for cell in cells):
            opinions += 1
            if opinions > MAX_ROWS:
                raise _refused(
                    "import.too_many_rows",
                    _("“%(name)s” has more than %(max)s opinions; split it into files of at most %(max)s rows.")
                    % {"name": name, "max": f"{MAX_ROWS:,}"},
                )
        yield number, cells


def _csv_text(uploaded_file, name: str) -> str:
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise _refused(
            "upload.size",
            _("“%(name)s” is %(size)s; documents may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)},
        )
    uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    uploaded_file.seek(0)
    if not content:
        raise _refused("upload.empty", _("“%(name)s” is empty.") % {"name": name})
    not_text = _refused("upload.content", _("The content of “%(name)s” is not a CSV file.") % {"name": name})
    if b"\x00" in content or content.startswith(_BINARY_HEADS):
        raise not_text
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refused(
            "import.encoding",
            _("“%(name)s” is neither UTF-8 nor GB18030 text; save it as “CSV UTF-8” and upload it again.")
            % {"name": name},
        )
    if _CONTROL.search(text):  # control characters: a binary file that happened to decode
        raise not_text
    return text


def _csv_rows(uploaded_file, name: str):
    text = _csv_text(uploaded_file, name)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)  # Excel writes commas; some locales semicolons; TSV tabs
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from _bounded(reader, name)
    except csv.Error as error:
        raise _refused(
            "import.unreadable",
            _("“%(name)s” cannot be read as CSV (row %(row)s: %(problem)s).")
            % {"name": name, "row": reader.line_num, "problem": error},
        ) from error


def _xlsx_rows(uploaded_file, name: str):
    from openpyxl import load_workbook  # only the import needs it

    check_upload(uploaded_file)
    check_xlsx_xml_parts(uploaded_file, name, _refused)
    unreadable = _refused(
        "import.unreadable", _("“%(name)s” cannot be read as an Excel workbook (.xlsx).") % {"name": name}
    )
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook; every one means "unreadable"
        raise unreadable from error
    try:
        if not workbook.worksheets:
            raise unreadable
        sheet = workbook.worksheets[0]
        try:
            yield from _bounded(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), name)
        except ParticipationError:
            raise
        except Exception as error:  # a damaged sheet part, found while reading it
            raise unreadable from error
    finally:
        workbook.close()


def _rows(uploaded_file):
    name = uploaded_file.name or ""
    problem = text_problem(name)
    if problem:
        raise text_error(problem, ("file",))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "csv":
        return _csv_rows(uploaded_file, name)
    if extension == "xlsx":
        return _xlsx_rows(uploaded_file, name)
    if extension == "xls":
        message = _("“%(name)s” is an old Excel file; save it as .xlsx (Excel Workbook) or CSV and upload that.")
    else:
        message = _("“%(name)s” is not a CSV or XLSX file.")
    raise _refused("upload.type", message % {"name": name})


# ---------------------------------------------------------------- the columns and the values


def _normalised(value: str) -> str:
    value = _NOTE.sub("", unicodedata.normalize("NFKC", value)).replace("*", "")
    return "".join(value.split()).lower()


_ALIASES = {_normalised(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _columns(header: list[str]) -> dict[str, int]:
    """field → index of its column; refuses unknown, repeated or missing columns, naming them."""
    found: dict[str, int] = {}
    unknown, repeated = [], []
    for index, title in enumerate(header):
        if not title.strip():
            continue
        name = _ALIASES.get(_normalised(title))
        if name is None:
            unknown.append(title.strip())
        elif name in found:
            repeated.append(title.strip())
        else:
            found[name] = index
    missing = [f"{COLUMNS[name][0]}/{name}" for name in REQUIRED if name not in found]
    problems = []
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": "、".join(unknown)})
    if repeated:
        problems.append(_("columns given twice: %(names)s") % {"names": "、".join(repeated)})
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": "、".join(missing)})
    if problems:
        raise _refused(
            "import.columns",
            _("Row 1 must name the columns (%(expected)s): %(problems)s.")
            % {"expected": expected_columns(), "problems": "; ".join(problems)},
        )
    return found


def expected_columns() -> str:
    """The columns, as the messages and the page name them: 渠道/channel, 姓名/name, …"""
    return ", ".join(f"{zh}/{en}" for zh, en in zip(TEMPLATE_HEADERS["zh"], TEMPLATE_HEADERS["en"], strict=True))


def channel_names() -> list[tuple[str, str]]:
    """(Chinese name, code) of each offline channel, as a file may write it."""
    return [(CHANNEL_NAMES[code], code) for code in services.OFFLINE_CHANNELS]


def _channel_codes() -> dict[str, str]:
    codes = {}
    for value, label in Comment.Channel.choices:
        if value not in services.OFFLINE_CHANNELS:
            continue
        with translation.override("en"):
            english = str(label)
        for written in (value, value.replace("_", " "), CHANNEL_NAMES[value], str(label), english):
            codes[_normalised(written)] = value
    return codes


def _clause_index(consultation: Consultation) -> dict[str, Clause]:
    """The draft's clauses by what a cell may say: the label (第三条, 序言, 第1段) and the number (3)."""
    index: dict[str, Clause] = {}
    for clause in consultation.clauses.order_by("order"):
        index.setdefault(_normalised(clause.label), clause)
        index.setdefault(str(clause.number), clause)
    return index


def _clause(value: str, index: dict[str, Clause]) -> tuple[Clause | None, RowError | None]:
    value = value.strip()
    if not value or _normalised(value) in ("全文", "整体", "whole", "all"):
        return None, None
    key = _normalised(value)
    clause = index.get(key)
    if clause is None:
        match = re.fullmatch(r"第(.+)条", key)
        number = numeral_value(match.group(1)) if match else None
        clause = index.get(str(number)) if number else None
    if clause is None:
        return None, RowError(
            "clause",
            _(
                "The draft has no clause “%(value)s”; give its label (e.g. 第三条) or number, or leave it empty "
                "for the draft as a whole."
            )
            % {"value": value},
        )
    return clause, None


def _refusal_error(refusal: ProcedureError) -> RowError:
    return RowError(next(iter(refusal.fields), ""), str(refusal.message))


def _check_row(consultation, values: dict, clause) -> list[RowError]:
    """The refusals of one-by-one entry for this row: the first one, and when the channel is refused, the first of the
    other values too (checked as if the channel were good)."""
    errors = []
    try:
        services.clean_offline_opinion(consultation, **values, clause=clause)
    except ProcedureError as refusal:
        error = _refusal_error(refusal)
        if error.field == "channel":
            accepted = "、".join(f"{zh}/{code}" for zh, code in channel_names())
            error = RowError("channel", f"{error.message} {_('Accepted: %(values)s.') % {'values': accepted}}")
            try:
                services.clean_offline_opinion(
                    consultation, **values | {"channel": services.OFFLINE_CHANNELS[0]}, clause=clause
                )
            except ProcedureError as other:
                errors.append(_refusal_error(other))
        errors.insert(0, error)
    return errors


# ---------------------------------------------------------------- the import


def import_offline_opinions(*, consultation: Consultation, actor: User, uploaded_file) -> ImportReport:
    """Import the opinions of a CSV or XLSX file (see the module's docstring): all stored, or none."""
    consultation = Consultation.objects.select_related("step__decision").get(pk=consultation.pk)
    services.check_offline_entry(consultation, actor)  # refused as a whole before a row is read
    rows = _rows(uploaded_file)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header[1]):
        raise _refused(
            "import.columns",
            _("Row 1 must name the columns (%(expected)s); it is empty.") % {"expected": expected_columns()},
        )
    columns = _columns(header[1])
    named = set(columns.values())
    channels, clauses = _channel_codes(), _clause_index(consultation)
    report = ImportReport(rows=[], stored=False)
    entries = []
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue  # an empty row
        values = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
        values = {name: values.get(name, "") for name in COLUMNS}
        written_channel = values["channel"].strip()
        values["channel"] = channels.get(_normalised(written_channel), written_channel)
        clause, clause_error = _clause(values.pop("clause"), clauses)
        errors = _check_row(consultation, values, clause)
        if clause_error is not None:
            errors.append(clause_error)
        stray = [index for index, cell in enumerate(cells) if cell.strip() and index not in named]
        if stray:
            errors.append(
                RowError(
                    "",
                    _("A value stands in a column without a name in row 1 (column %(column)s).")
                    % {"column": _column_letter(stray[0])},
                )
            )
        report.rows.append(ImportRow(number=number, ok=not errors, errors=errors))
        entries.append((values, clause))
    if not report.rows:
        raise _refused("import.empty", _("The file has no opinions below its header row."))
    if report.bad:
        return report
    with transaction.atomic():
        for row, (values, clause) in zip(report.rows, entries, strict=True):
            comment = services.enter_offline_opinion(consultation=consultation, actor=actor, clause=clause, **values)
            row.receipt_number = comment.receipt_number
    report.stored = True
    return report


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# ---------------------------------------------------------------- the template


def template_header(language: str | None = None) -> list[str]:
    """The header row of the template: Chinese names, or the English ones when the page is read in English."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return TEMPLATE_HEADERS["zh" if language.startswith("zh") else "en"]


def template_csv(language: str | None = None) -> bytes:
    """The template as CSV: UTF-8 with a BOM (Excel opens it right), the header row only."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(template_header(language))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(language: str | None = None) -> bytes:
    """The template as an Excel workbook: the header row, bold, the columns wide enough."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Opinions")[:31]
    sheet.append(template_header(language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (12, 12, 20, 24, 10, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
