"""Limits a program can read: counting attempts, and answering a refusal with 429.

Every limit of the app refuses the same way (docs/security.md "Limits"): HTTP 429 Too
Many Requests, the same page a person would see with the reason on it, and a
`Retry-After` header with the seconds until a new try can succeed. The call request
(intake), the sign-in lockout (django-axes), the password-reset e-mail and two-factor
codes (django-otp's growing delays) all do.

Counts live in Django's cache (shared by every app server once CACHE_URL points at one
cache), under a hash of what is counted: an address or an e-mail address never appears
in a cache key.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address, looking through TRUSTED_PROXY_COUNT reverse proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def too_many(response: HttpResponse, retry_after: float) -> HttpResponse:
    """Turn a rendered refusal into 429 with Retry-After (whole seconds, at least 1)."""
    response.status_code = 429
    response.reason_phrase = "Too Many Requests"
    response["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


def _key(scope: str, what: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{what}".encode()).hexdigest()
    return f"iop:limit:{scope}:{digest[:32]}"


def _now() -> float:
    return time.time()


# Reading the stamps and writing them back must not interleave between two requests
# (two workers, two servers), or both count from the same list and one attempt is lost.
# A short lock in the cache itself (add() is atomic: SET NX in Redis) serialises them.
LOCK_SECONDS = 2
LOCK_WAIT = 0.01


@contextmanager
def _locked(key: str) -> Iterator[None]:
    lock, deadline = f"{key}:lock", time.monotonic() + LOCK_SECONDS
    held = cache.add(lock, 1, timeout=LOCK_SECONDS)
    while not held and time.monotonic() < deadline:
        time.sleep(LOCK_WAIT)
        held = cache.add(lock, 1, timeout=LOCK_SECONDS)
    try:
        yield  # after LOCK_SECONDS a holder that died is presumed gone: go ahead
    finally:
        if held:
            cache.delete(lock)


def attempt(scope: str, what: str, *, limit: int, window: int) -> float:
    """Count one attempt at `scope` by `what` (an address, an account) unless it is over
    `limit` attempts in the last `window` seconds. Answers 0 when the attempt is allowed
    (and counted), else the seconds until the oldest counted attempt leaves the window.
    Refused attempts are not counted, so waiting always ends the refusal."""
    key = _key(scope, what)
    with _locked(key):
        now = _now()
        stamps = [stamp for stamp in cache.get(key, []) if stamp > now - window]
        if len(stamps) >= limit:
            return stamps[0] + window - now
        stamps.append(now)
        cache.set(key, stamps, timeout=window)
    return 0.0


def forget(scope: str, what: str) -> None:
    cache.delete(_key(scope, what))


# --- two-factor codes ------------------------------------------------------------------


def two_factor_wait(user) -> float:
    """Seconds until django-otp lets any of `user`'s devices check a code again (0: now).

    After each wrong code a device makes the next try wait longer (1, 2, 4 ... seconds);
    a code typed while every device waits is refused whatever it is."""
    from django.utils import timezone
    from django_otp import devices_for_user

    waits = []
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if allowed:
            return 0.0
        locked_until = (data or {}).get("locked_until")
        if locked_until is not None:
            waits.append((locked_until - timezone.now()).total_seconds())
    return min(waits) if waits else 0.0


def two_factor_refusal_is_429(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A code posted while django-otp makes the user wait is refused with 429 and
    Retry-After (the page itself, with its message, is the view's)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = 0.0
        if request.method == "POST" and request.user.is_authenticated:
            wait = two_factor_wait(request.user)
        response = view(request, *args, **kwargs)
        if wait > 0 and response.status_code == 200:
            return too_many(response, wait)
        return response

    return wrapper
