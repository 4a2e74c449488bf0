"""Clinic time: stored in UTC, shown and reasoned about in the clinic's zone.

Weeks run Monday to Sunday in local time, so a week with a daylight-saving change
is 167 or 169 hours long. Pure functions, no ORM.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from accounts import clinic_dates

# The dates the schedule works with. Week and series arithmetic near date.min or
# date.max (year 1, year 9999) overflows; forms and query strings stay inside these.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def clinic_zone() -> ZoneInfo:
    return _zone(settings.TIME_ZONE)


def local(moment: datetime) -> datetime:
    return moment.astimezone(clinic_zone())


def local_to_utc(day: date, at: time) -> datetime:
    """The UTC moment of a wall-clock time on a clinic date.

    A time skipped by the spring-forward change (02:30) resolves to the instant an
    hour later on the clock (03:30), as zoneinfo does; a repeated one to its first pass.
    """
    return datetime.combine(day, at, tzinfo=clinic_zone()).astimezone(UTC)


def local_midnight(day: date) -> datetime:
    return local_to_utc(day, time(0, 0))


def today() -> date:
    # through django.utils.timezone.now, the one clock "now", "today" and "this week" share
    # (so a test that stops it stops them all)
    return local(timezone.now()).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local week starting on `monday`."""
    return local_midnight(monday), local_midnight(monday + timedelta(days=7))


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(7)]


def minutes_of_day(moment: datetime) -> int:
    """Minutes since local midnight, by the wall clock (what a grid row shows)."""
    moment = local(moment)
    return moment.hour * 60 + moment.minute


def day_display(day: date) -> str:
    """'Mon, Mar 9, 2026' (the clinic's date style, accounts/clinic_dates.py)."""
    return clinic_dates.day(day)


def span_display(start: datetime, end: datetime) -> str:
    """'Mon, Mar 9, 2026, 9:00 AM – 12:00 PM' in clinic time."""
    return clinic_dates.span(start, end)


def time_span_display(start: datetime, end: datetime) -> str:
    """'9:00 AM – 12:00 PM' in clinic time."""
    return clinic_dates.time_range(start, end)


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None
