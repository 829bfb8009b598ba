"""The client address of the request being served, for ledger events and login lockout.

Behind a reverse proxy every request comes from the proxy; `TRUSTED_PROXY_HOPS` (environment) says how many proxies
of ours stand in front, so the address is read from X-Forwarded-For that many entries from its end. A client cannot
forge it: whatever it sends is to the left of what our proxies append.
"""

from contextvars import ContextVar

from django.conf import settings

client_address: ContextVar[str] = ContextVar("juece_client_address", default="")


def client_ip(request) -> str:
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
