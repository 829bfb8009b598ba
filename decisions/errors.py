"""The procedure's refusal: every service of `decisions` and of the step apps raises it."""

from accounts.errors import Refusal


class ProcedureError(Refusal):
    """A refused procedural act, e.g. "Rule 1: legality review needs every required pre-discussion step done;
    missing: expert review." Views answer it with the message; the API with 409 or 400 and the code."""
