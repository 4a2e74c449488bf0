"""The few date shapes Django's format names don't cover (see accounts/clinic_dates.py)."""

from __future__ import annotations

from datetime import date, datetime, time

from django import template
from django.utils import formats

from accounts import clinic_dates

register = template.Library()


@register.filter
def time_range(start: datetime | time | None, end: datetime | time | None) -> str:
    """{{ session.start|time_range:session.end }} -> '4:45 PM – 6:00 PM'."""
    if start is None or end is None:
        return ""
    return clinic_dates.time_range(start, end)


@register.filter
def span(start: datetime | None, end: datetime | None) -> str:
    """{{ session.start|span:session.end }} -> 'Tue, Dec 1, 2026, 4:45 PM – 6:00 PM'."""
    if start is None or end is None:
        return ""
    return clinic_dates.span(start, end)


@register.filter
def weekday(value: date | None) -> str:
    """{{ day|weekday }} -> 'Tue' (the week grid's column heads, short lists of days)."""
    if value is None:
        return ""
    return formats.date_format(value, "D")


@register.filter
def hour_label(hour: int) -> str:
    """{{ 18|hour_label }} -> '6 PM'."""
    return clinic_dates.hour_label(int(hour))


@register.filter
def month_day(value: date | None) -> str:
    """{{ day|month_day }} -> 'Dec 1' (under a weekday that is already shown)."""
    if value is None:
        return ""
    return formats.date_format(value, "M j")
