"""The client address of the request being served, for ledger events (set by middleware, read by the ledger)."""

from contextvars import ContextVar

client_address: ContextVar[str] = ContextVar("juece_client_address", default="")


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(request.META.get("REMOTE_ADDR", "")[:64])
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
