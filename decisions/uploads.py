"""What a government document may be: checked by extension, by content and by size.

The content check reads more than the leading bytes:

* an Office Open XML file (.docx, .xlsx) is a ZIP package: it must open as one, hold `[Content_Types].xml` and the
  main part of its kind, carry no macros (no `vbaProject.bin`, no macro-enabled content type), and stay within
  `PACKAGE_MAX_ENTRIES` entries and `PACKAGE_MAX_INFLATED_BYTES` inflated — read from the ZIP's directory, nothing is
  inflated but `[Content_Types].xml` (itself bounded);
* an OFD file (China's fixed-layout format, GB/T 33190) is a ZIP package with `OFD.xml` at its root, within the
  same bounds;
* a PDF starts with `%PDF-`, ends with `%%EOF` (within its last KiB), and carries no HTML or script markup in its
  first 64 KiB (a "PDF" a browser would render as a web page).

A request larger than a document may be is refused before it is read (`RequestSizeLimitHandler`, 400).
"""

import hashlib
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .bounds import text_error, text_problem
from .errors import ProcedureError

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# extension → (content type, accepted leading bytes); OFD is China's fixed-layout document format (GB/T 33190).
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "ofd": ("application/ofd", (ZIP,)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    "doc": ("application/msword", (OLE,)),
    "xls": ("application/vnd.ms-excel", (OLE,)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}

# An Office Open XML package's main part, by extension: the content type [Content_Types].xml gives it.
OOXML_MAIN_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
CONTENT_TYPES_PART = "[Content_Types].xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
OFD_ROOT = "OFD.xml"

PACKAGE_MAX_ENTRIES = 5000
PACKAGE_MAX_INFLATED_BYTES = 200 * 1024 * 1024

PDF_HEAD_BYTES = 64 * 1024
PDF_TAIL_BYTES = 1024
PDF_MARKUP = (b"<html", b"<!doctype html", b"<script", b"<body", b"<iframe", b"<svg")


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int
    sha256: str


def check_upload(uploaded_file) -> CheckedUpload:
    """Refuse a file that is too big, of a type we do not keep, or whose content does not match its name."""
    name = uploaded_file.name or ""
    problem = text_problem(name)
    if problem:
        raise text_error(problem)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ProcedureError(
            "upload.type",
            _("“%(name)s” is not an accepted document type. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(ALLOWED_TYPES))},
        )
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ProcedureError(
            "upload.size",
            _("“%(name)s” is %(size)s; documents may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)},
        )
    if uploaded_file.size == 0:
        raise ProcedureError("upload.empty", _("“%(name)s” is empty.") % {"name": name})
    content_type, signatures = ALLOWED_TYPES[extension]
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    if not any(head.startswith(signature) for signature in signatures):
        raise _not_a(name, extension)
    if extension == "pdf":
        _check_pdf(uploaded_file, name)
    elif extension in OOXML_MAIN_TYPES:
        _check_office_package(uploaded_file, name, extension)
    elif extension == "ofd":
        _check_ofd_package(uploaded_file, name)
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedUpload(extension, content_type, uploaded_file.size, digest.hexdigest())


def _not_a(name: str, extension: str) -> ProcedureError:
    return ProcedureError(
        "upload.content",
        _("The content of “%(name)s” is not a %(ext)s file.") % {"name": name, "ext": extension.upper()},
    )


# ---------------------------------------------------------------- PDF


def _check_pdf(uploaded_file, name: str) -> None:
    uploaded_file.seek(0)
    head = uploaded_file.read(PDF_HEAD_BYTES).lower()
    if any(marker in head for marker in PDF_MARKUP):
        raise ProcedureError(
            "upload.pdf_markup",
            _("“%(name)s” is not a plain PDF: it carries web page or script markup.") % {"name": name},
        )
    uploaded_file.seek(max(0, uploaded_file.size - PDF_TAIL_BYTES))
    if b"%%EOF" not in uploaded_file.read(PDF_TAIL_BYTES):
        raise ProcedureError(
            "upload.pdf_incomplete",
            _("“%(name)s” is not a complete PDF (it does not end with %%%%EOF).") % {"name": name},
        )


# ---------------------------------------------------------------- ZIP packages (Office Open XML, OFD)


def _open_package(uploaded_file, name: str, extension: str) -> zipfile.ZipFile:
    """The package's directory, checked against the bounds without inflating anything."""
    uploaded_file.seek(0)
    try:
        package = zipfile.ZipFile(uploaded_file)
        entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _not_a(name, extension) from error
    if len(entries) > PACKAGE_MAX_ENTRIES or sum(entry.file_size for entry in entries) > PACKAGE_MAX_INFLATED_BYTES:
        raise ProcedureError(
            "upload.package_too_large",
            _("“%(name)s” unpacks to more than %(entries)s entries or %(size)s; it is refused.")
            % {"name": name, "entries": PACKAGE_MAX_ENTRIES, "size": filesizeformat(PACKAGE_MAX_INFLATED_BYTES)},
        )
    return package


def _macro_refusal(name: str) -> ProcedureError:
    return ProcedureError(
        "upload.macro",
        _("“%(name)s” contains macros; save it as a document without macros (.docx, .xlsx) and upload that.")
        % {"name": name},
    )


def _check_office_package(uploaded_file, name: str, extension: str) -> None:
    package = _open_package(uploaded_file, name, extension)
    names = {entry.filename for entry in package.infolist()}
    if any(part.rsplit("/", 1)[-1].lower() in ("vbaproject.bin", "vbadata.xml") for part in names):
        raise _macro_refusal(name)
    if CONTENT_TYPES_PART not in names:
        raise _not_a(name, extension)
    try:
        with package.open(CONTENT_TYPES_PART) as part:
            content_types = part.read(CONTENT_TYPES_MAX_BYTES + 1)
        if len(content_types) > CONTENT_TYPES_MAX_BYTES or b"<!DOCTYPE" in content_types.upper():
            raise _not_a(name, extension)  # too big, or declaring entities (no XML bombs are parsed)
        # Bounded, and without a DOCTYPE no entity can be declared: nothing of an XML attack is left to parse.
        root = ElementTree.fromstring(content_types)  # noqa: S314
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise _not_a(name, extension) from error
    declared = [
        (element.get("PartName") or "", element.get("ContentType") or "")
        for element in root
        if element.tag in (f"{CONTENT_TYPES_NS}Override", f"{CONTENT_TYPES_NS}Default")
    ]
    if any("macroenabled" in content_type.lower() or "vba" in content_type.lower() for _part, content_type in declared):
        raise _macro_refusal(name)
    main_parts = [part.lstrip("/") for part, content_type in declared if content_type == OOXML_MAIN_TYPES[extension]]
    if not any(part in names for part in main_parts):
        raise _not_a(name, extension)


def _check_ofd_package(uploaded_file, name: str) -> None:
    package = _open_package(uploaded_file, name, "ofd")
    if not any(entry.filename.lower() == OFD_ROOT.lower() for entry in package.infolist()):
        raise _not_a(name, "ofd")


# ---------------------------------------------------------------- the request's size


def upload_request_limit() -> int:
    """The largest request body that may carry a document: the document and 1 MiB for the form's other fields."""
    return settings.DOCUMENT_MAX_BYTES + 1024 * 1024


class RequestSizeLimitHandler(FileUploadHandler):
    """Refuses (400) a multipart request larger than a document may be before its body is read, and a file that
    grows past that while it arrives (a body sent without its length). First of `FILE_UPLOAD_HANDLERS`."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length and content_length > upload_request_limit():
            raise RequestDataTooBig(_("The request is larger than a document may be."))

    def receive_data_chunk(self, raw_data, start):
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > upload_request_limit():
            raise RequestDataTooBig(_("The request is larger than a document may be."))
        return raw_data

    def file_complete(self, file_size):
        return None


# ---------------------------------------------------------------- spreadsheets (the imports of the step apps)

XML_HEAD_BYTES = 1024  # of each XML part of an XLSX, read to refuse a DOCTYPE (entity declarations)


def spreadsheet_cell(value) -> str:
    """A cell as text: numbers as written (13812341234, not 1.3812341234e10), nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_xlsx_xml_parts(uploaded_file, name: str, refused=ProcedureError) -> None:
    """No XML part of the workbook declares a DOCTYPE (entities): only the head of each part is inflated.
    `refused(code, message)` makes the caller's refusal (an app's own error class)."""
    not_xlsx = _("The content of “%(name)s” is not a %(ext)s file.") % {"name": name, "ext": "XLSX"}
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as package:
            for entry in package.infolist():
                if entry.filename.lower().endswith((".xml", ".rels")):
                    with package.open(entry) as part:
                        if b"<!DOCTYPE" in part.read(XML_HEAD_BYTES).upper():
                            raise refused("upload.content", not_xlsx)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise refused("upload.content", not_xlsx) from error
    finally:
        uploaded_file.seek(0)
