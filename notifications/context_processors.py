from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread_notices(request):
    """The header's unread count, counted only when a page shows it (one COUNT on a partial index)."""
    user = getattr(request, "user", None)
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user) if user is not None else 0)}
