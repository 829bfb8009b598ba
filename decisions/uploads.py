"""What a government document may be: checked by extension, by content (magic bytes) and by size."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int
    sha256: str


def check_upload(uploaded_file) -> CheckedUpload:
    """Refuse a file that is too big, of a type we do not keep, or whose content does not match its name."""
    name = uploaded_file.name or ""
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
        raise ProcedureError(
            "upload.content",
            _("The content of “%(name)s” is not a %(ext)s file.") % {"name": name, "ext": extension.upper()},
        )
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedUpload(extension, content_type, uploaded_file.size, digest.hexdigest())
