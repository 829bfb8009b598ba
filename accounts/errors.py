"""The one error type every refusal raises (it lives here because every app may import accounts)."""

from django.utils.functional import Promise


class ProcedureError(Exception):
    """A refused action: `code` is stable for programs, `message` is translated for people.

    The message names the rule and what is missing, e.g. "Rule 1: legality review needs every required
    pre-discussion step done; missing: expert review."
    """

    def __init__(self, code: str, message: str | Promise):
        super().__init__(str(message))
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)

    @classmethod
    def from_verdict(cls, verdict) -> "ProcedureError":
        return cls(verdict.code, verdict.message)
