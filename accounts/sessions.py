"""What iop keeps in a staff session besides Django's own keys.

A session ends at whichever comes first: IDLE_TIMEOUT_SECONDS without a request, or
SESSION_MAX_AGE_SECONDS after sign-in, however busy (the sign-in time is kept in the
session and never moves). The last-activity stamp is rewritten at most once a minute
so that ordinary page views don't each cost a session write; the page is told the
seconds actually left, so the browser's warning and draft-saving always come before the
server's deadline.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

LAST_ACTIVITY = "iop_last_activity"  # epoch seconds of the last recorded request
SIGNED_IN = "iop_signed_in"  # epoch seconds of the sign-in (the absolute limit runs from it)
TWO_FACTOR_STEP = "iop_two_factor_step"  # "verify", "enrol" or "" (decided once per session)
ACTIVITY_RESOLUTION = 60  # seconds


def clock() -> float:
    """Epoch seconds: the one clock of the idle rule. Tests pin it, so whether a request
    rewrites the stamp (a session write, three more queries) never depends on whether a
    minute happened to turn during the test."""
    return time.time()


def start(request: HttpRequest) -> None:
    """A fresh sign-in: idle clock and absolute limit from now, two-factor state decided
    on the next request."""
    now = int(clock())
    request.session[LAST_ACTIVITY] = now
    request.session[SIGNED_IN] = now
    request.session.pop(TWO_FACTOR_STEP, None)


def is_idle_expired(request: HttpRequest, *, now: float | None = None) -> bool:
    last = request.session.get(LAST_ACTIVITY)
    if last is None:
        return False
    now = clock() if now is None else now
    return now - last > settings.IDLE_TIMEOUT_SECONDS


def is_past_max_age(request: HttpRequest, *, now: float | None = None) -> bool:
    """Signed in longer than SESSION_MAX_AGE_SECONDS ago. A session from before the
    sign-in time was kept starts its limit now (stamped once, never moved again)."""
    now = clock() if now is None else now
    signed_in = request.session.get(SIGNED_IN)
    if signed_in is None:
        request.session[SIGNED_IN] = int(now)
        return False
    return now - signed_in >= settings.SESSION_MAX_AGE_SECONDS


def touch(request: HttpRequest, *, force: bool = False, now: float | None = None) -> None:
    """Record activity (a session write only when the stamp is a minute old, or forced)."""
    now = clock() if now is None else now
    last = request.session.get(LAST_ACTIVITY)
    if force or last is None or now - last >= ACTIVITY_RESOLUTION:
        request.session[LAST_ACTIVITY] = int(now)


def seconds_left(request: HttpRequest, *, now: float | None = None) -> int:
    """Seconds until the server ends this session, for inactivity or at its absolute limit
    (never more than the idle limit): the page saves drafts before either."""
    now = clock() if now is None else now
    last = request.session.get(LAST_ACTIVITY, now)
    idle_left = settings.IDLE_TIMEOUT_SECONDS - (now - last)
    signed_in = request.session.get(SIGNED_IN, now)
    absolute_left = settings.SESSION_MAX_AGE_SECONDS - (now - signed_in)
    return max(0, int(min(idle_left, absolute_left)))
