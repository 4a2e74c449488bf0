"""When a session note is due and whether it was late: pure rules, no ORM.

A note is due by the end of the next business day after the session, in the clinic's
time zone: Monday to Friday, except the clinic's holidays (settings.NOTE_HOLIDAYS, ISO
dates). A note signed after its due day is late, and shows the day it was written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings


def holidays() -> frozenset[date]:
    return frozenset(date.fromisoformat(day) for day in getattr(settings, "NOTE_HOLIDAYS", []))


def is_business_day(day: date, closed: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in set(closed)


def next_business_day(day: date, closed: Iterable[date] | None = None) -> date:
    closed = holidays() if closed is None else frozenset(closed)
    following = day + timedelta(days=1)
    while not is_business_day(following, closed):
        following += timedelta(days=1)
    return following


def due_date(session_day: date, closed: Iterable[date] | None = None) -> date:
    """The last clinic date on which the note of a session held on `session_day` is on time."""
    return next_business_day(session_day, closed)


def is_late(due: date, written_on: date) -> bool:
    return written_on > due


def last_overdue_session_day(today: date, closed: Iterable[date] | None = None) -> date:
    """The latest session day whose note is overdue today: notes of sessions held on it or
    before, still unsigned, are past their due day (due_date only grows with the day)."""
    closed = holidays() if closed is None else frozenset(closed)
    day = today - timedelta(days=1)
    while due_date(day, closed) >= today:
        day -= timedelta(days=1)
    return day
