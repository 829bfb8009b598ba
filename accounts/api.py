"""What every endpoint of the API (/api/v1/) shares: one error body, `{"code", "message", "missing"}`.

`code` is stable for programs (`permission.role`, `rule1.steps_not_done`, `input.invalid`, `not_found`, …),
`message` is translated for people, `missing` lists what is lacking: the fields of a bad input, or what a rule
still needs (e.g. the step kinds not yet done). A bad input also carries `errors`, the messages per field.
It lives on the ground floor, beside `Refusal`, so that every app's API answers alike.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Refusal


class ErrorSerializer(serializers.Serializer):
    """The body of every refusal and error of the API."""

    code = serializers.CharField(help_text=_("A stable code, e.g. permission.role or rule1.steps_not_done."))
    message = serializers.CharField(help_text=_("What was refused and why, in the user's language."))
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("The fields of a bad input, or what the rule still lacks (e.g. the steps not done)."),
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Bad input only: the messages for each field."),
    )


class ApiRefusal(exceptions.APIException):
    """An error answered with the common body and the given status."""

    def __init__(self, status: int, code: str, message, missing=(), errors: dict | None = None):
        super().__init__(detail=str(message), code=code)
        self.status_code = status
        self.body = {"code": code, "message": str(message), "missing": list(missing)}
        if errors is not None:
            self.body["errors"] = errors

    @classmethod
    def from_refusal(cls, refusal: Refusal, status: int, missing=None) -> "ApiRefusal":
        return cls(status, refusal.code, refusal.message, refusal.missing if missing is None else missing)

    @classmethod
    def answering(cls, refusal: Refusal) -> "ApiRefusal":
        """403 for a permission (`permission.*`), 400 for a value sent (the refusal names its `fields`, which go into
        `missing`), 409 for a rule or a state: nothing the client sends now would help."""
        if refusal.code.startswith("permission."):
            return cls.from_refusal(refusal, 403)
        if refusal.is_input_error:
            return cls.from_refusal(refusal, 400, missing=refusal.fields)
        return cls.from_refusal(refusal, 409)


def _body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, ApiRefusal):
        return exc.body
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = {name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])] for name, msgs in detail.items()}
        return {
            "code": "input.invalid",
            "message": str(_("Check the input: some values are not valid.")),
            "missing": [name for name in errors if name not in ("non_field_errors", "__all__")],
            "errors": errors,
        }
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code = "permission.login"
    elif isinstance(exc, exceptions.PermissionDenied):
        code = "permission.csrf" if str(exc.detail).startswith("CSRF Failed") else "permission.denied"
    elif isinstance(exc, exceptions.NotFound):
        code = "not_found"
    elif isinstance(exc, exceptions.ParseError | exceptions.UnsupportedMediaType):
        code = "input.malformed"
    else:
        code = f"api.{exc.default_code}"
    return {"code": code, "message": str(exc.detail), "missing": []}


def exception_handler(exc, context):
    """DRF's handler (status, headers), answered with the common body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = _body(exc)
    return response
