"""The refusal every app raises: a stable `code` for programs and a translated `message` for people.

It lives on the ground floor so that every app may raise and catch it; the procedure's own refusals
(`decisions.errors.ProcedureError`) are a kind of it.
"""

from django.utils.functional import Promise


class Refusal(Exception):
    """A refused action that changed nothing; the message says which rule and what is missing."""

    def __init__(self, code: str, message: str | Promise, missing: tuple[str, ...] = (), fields: tuple[str, ...] = ()):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.missing = tuple(missing)  # what the rule lacks, as stable codes (e.g. step kinds); empty when unknown
        # The inputs the refusal is about, when a value sent was wrong (a bad input, not a rule of the procedure).
        self.fields = tuple(fields)

    @property
    def is_input_error(self) -> bool:
        return bool(self.fields)

    def __str__(self) -> str:
        return str(self.message)

    def add_to_form(self, form) -> None:
        """Show the refusal on a page's form: at the field it names when the form has it, else above the form."""
        form.add_error(next((name for name in self.fields if name in form.fields), None), str(self.message))

    @classmethod
    def from_verdict(cls, verdict) -> "Refusal":
        return cls(verdict.code, verdict.message)
