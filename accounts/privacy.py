"""Contacts (a telephone number or an e-mail address) are personal information: checked, compared and shown masked
the same way wherever the public leaves one (a catalog suggestion, an opinion on a draft). Never public, never in the
ledger."""

import re
import unicodedata

# A telephone number (7–20 digits, spaces, dashes, a leading +) or an e-mail address.
CONTACT_PATTERN = re.compile(r"^(?:[^@\s]+@[^@\s]+\.[^@\s]+|\+?[\d\- ]{7,20})$")
EMAIL = re.compile(r"^(?P<local>[^@\s]+)@(?P<domain>[^@\s]+)$")


def is_contact(value: str) -> bool:
    """Whether `value` looks like a telephone number or an e-mail address."""
    return bool(CONTACT_PATTERN.match(unicodedata.normalize("NFKC", (value or "").strip())))


def normalise_contact(value: str) -> str:
    """The contact as compared: an e-mail address in lower case; a telephone number as its digits only."""
    value = unicodedata.normalize("NFKC", (value or "").strip())
    if "@" in value:
        return value.lower()
    return re.sub(r"\D", "", value)


def mask_contact(contact: str) -> str:
    """A contact as staff lists show it: 138****1234, a***@example.com (never shown in full, never public)."""
    contact = (contact or "").strip()
    match = EMAIL.match(contact)
    if match:
        return f"{match['local'][:1]}***@{match['domain']}"
    digits = re.sub(r"\D", "", contact)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{contact[:1]}***" if contact else ""
