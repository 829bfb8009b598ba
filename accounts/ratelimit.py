"""Rate limits on public forms (following a decision, suggesting a catalog item), counted in the cache.

The cache is an optimisation: when it does not answer, the request is not counted (logged), never refused, and
nothing the citizen sent is lost. Identities (a client address, a contact) are hashed: none is kept in the cache.
"""

import hashlib
import logging
from collections.abc import Iterable

from django.core.cache import cache

log = logging.getLogger(__name__)


def _count(name: str, scope: str, identity: str, window: int) -> int | None:
    """Add one to the counter of `identity` in this window; None when the cache does not answer."""
    key = f"{name}-rate:{scope}:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            return 1
    except Exception:  # Redis down: the request is not counted
        return None


def over_limit(name: str, limits: Iterable[tuple[str, str, int]], window: int) -> str | None:
    """Count one request against each (scope, identity, limit); the first scope over its limit, else None."""
    for scope, identity, limit in limits:
        count = _count(name, scope, identity, window)
        if count is None:
            log.warning("%s: the cache did not answer; the %s rate limit is not counted", name, scope)
            continue
        if count > limit:
            return scope
    return None
