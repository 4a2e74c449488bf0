"""Logging filters.

During a database outage every request fails the same way; logging each one with its
traceback wrote about 20,000 tracebacks (100 MB) in a few seconds. DatabaseOutageFilter
lets the first failure through with its traceback, then one line per interval with the
count of failures since, and starts over (first traceback again) after an interval
without failures. Other records pass untouched.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db.utils import InterfaceError, OperationalError

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
try:  # the driver's own classes, when a failure reaches the log unwrapped
    import psycopg2

    OUTAGE_ERRORS += (psycopg2.OperationalError, psycopg2.InterfaceError)
except ImportError:  # pragma: no cover - psycopg2 is a runtime dependency
    pass
try:  # the shared cache (CACHE_URL) unreachable: the records cannot be served either
    import redis

    OUTAGE_ERRORS += (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
except ImportError:  # pragma: no cover - redis is a runtime dependency
    pass


def is_outage_error(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


class DatabaseOutageFilter(logging.Filter):
    """On `django.request`: the first database failure with its traceback, then one line
    per `interval` seconds with a count."""

    def __init__(self, interval: float = 60.0, clock=time.monotonic) -> None:
        super().__init__()
        self.interval = float(interval)
        self.clock = clock
        self._lock = threading.Lock()
        self._window_start: float | None = None
        self._last_seen = 0.0
        self._suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not is_outage_error(exc):
            return True
        with self._lock:
            now = self.clock()
            new_outage = self._window_start is None or now - self._last_seen > self.interval
            self._last_seen = now
            if new_outage:
                self._window_start, self._suppressed = now, 0
                return True
            if now - self._window_start < self.interval:
                self._suppressed += 1
                return False
            count, since = self._suppressed + 1, now - self._window_start
            self._window_start, self._suppressed = now, 0
        record.msg = "Database unavailable: %d more failed requests in the last %d s (%s: %s)"
        record.args = (
            count,
            round(since),
            type(exc).__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
        )
        record.exc_info, record.exc_text = None, None
        return True
