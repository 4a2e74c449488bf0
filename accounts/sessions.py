"""What iop keeps in a staff session besides Django's own keys.

The last-activity stamp is rewritten at most once a minute so that ordinary page views
don't each cost a session write; the page is told the seconds actually left, so the
browser's warning and draft-saving always come before the server's deadline.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

LAST_ACTIVITY = "iop_last_activity"  # epoch seconds of the last recorded request
TWO_FACTOR_STEP = "iop_two_factor_step"  # "verify", "enrol" or "" (decided once per session)
ACTIVITY_RESOLUTION = 60  # seconds


def clock() -> float:
    """Epoch seconds: the one clock of the idle rule. Tests pin it, so whether a request
    rewrites the stamp (a session write, three more queries) never depends on whether a
    minute happened to turn during the test."""
    return time.time()


def start(request: HttpRequest) -> None:
    """A fresh sign-in: idle clock from now, two-factor state decided on the next request."""
    request.session[LAST_ACTIVITY] = int(clock())
    request.session.pop(TWO_FACTOR_STEP, None)


def is_idle_expired(request: HttpRequest, *, now: float | None = None) -> bool:
    last = request.session.get(LAST_ACTIVITY)
    if last is None:
        return False
    now = clock() if now is None else now
    return now - last > settings.IDLE_TIMEOUT_SECONDS


def touch(request: HttpRequest, *, force: bool = False, now: float | None = None) -> None:
    """Record activity (a session write only when the stamp is a minute old, or forced)."""
    now = clock() if now is None else now
    last = request.session.get(LAST_ACTIVITY)
    if force or last is None or now - last >= ACTIVITY_RESOLUTION:
        request.session[LAST_ACTIVITY] = int(now)


def seconds_left(request: HttpRequest, *, now: float | None = None) -> int:
    """Seconds until the server ends this session for inactivity (never more than the limit)."""
    now = clock() if now is None else now
    last = request.session.get(LAST_ACTIVITY, now)
    return max(0, int(settings.IDLE_TIMEOUT_SECONDS - (now - last)))
