"""One tick: everything the one-minute ticker does, in order. Each part runs even when an earlier one failed (its
error is logged and reported), so a broken mail server never stops the deadline scan, nor the reverse."""

import logging

from participation.services import open_and_close_consultations
from review.cosigning import record_silence, remind_departments

from .calendar_check import check_calendar_coverage
from .follow import purge_stale_follows
from .mailing import mail_notices, send_digests
from .outbox import purge_sent, relay_outbox
from .scan import scan_deadlines

log = logging.getLogger(__name__)


def _open_and_close_consultations() -> int:
    """Public consultations open on their first day and close after their last, by the clock (Decree 713 Art. 15)."""
    done = open_and_close_consultations()
    return len(done["opened"]) + len(done["closed"])


def run_tick() -> dict:
    report: dict = {}
    parts = (
        ("consultations", _open_and_close_consultations),  # first: opening one sets its step's due date
        # Decree 713 Art. 13: silence by the deadline is no objection; the departments still to answer are reminded.
        ("co-signing", lambda: len(record_silence()) + remind_departments()),
        ("scan", lambda: scan_deadlines().created),
        ("calendar", check_calendar_coverage),
        ("mail", lambda: mail_notices().queued),
        ("digests", lambda: send_digests().digests),
        ("relay", lambda: relay_outbox().sent),
        ("retention", lambda: purge_stale_follows() + purge_sent()),
    )
    for name, part in parts:
        try:
            report[name] = part()
        except Exception as error:  # reported; the next part still runs
            log.exception("tick: %s failed", name)
            report[name] = f"error: {type(error).__name__}: {error}"
    return report
