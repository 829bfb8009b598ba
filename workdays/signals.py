"""What the working-day calendar tells the apps above it. `workdays` is a ground-floor app: it imports none of them;
an app whose dates are computed with the calendar connects to `calendar_changed` in its `AppConfig.ready()`.

`calendar_changed` is sent by `workdays.services` inside the transaction that changes a Holiday row, after the change,
so a receiver's work (e.g. moving the due dates the change affects) commits or rolls back with it. Arguments:

* `actor` — who changed the calendar (None: the system);
* `dates` — the dates whose answer may have changed (a corrected row: its old and its new date);
* `reason` — what happened, in words, for the records the receivers write ("holiday calendar changed: …").
"""

from django.dispatch import Signal

calendar_changed = Signal()
