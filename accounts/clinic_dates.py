"""Dates and times in the clinic's style, for Python code (messages, labels).

Templates use Django's format names (`|date`, `|time`, `|date:"SHORT_DATE_FORMAT"`) and
the filters in accounts/templatetags/clinic_dates.py; all read iop/formats/en/formats.py.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import formats, timezone


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def day(value: date) -> str:
    """'Tue, Dec 1, 2026'."""
    return formats.date_format(value, "DATE_FORMAT")


def short_day(value: date) -> str:
    """'Dec 1, 2026' (a birth date, a date in a sentence)."""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def moment(value: datetime) -> str:
    """'Tue, Dec 1, 2026, 4:45 PM' in clinic time."""
    return formats.date_format(_local(value), "DATETIME_FORMAT")


def clock(value: datetime | time) -> str:
    """'4:45 PM' in clinic time."""
    if isinstance(value, datetime):
        value = _local(value)
    return formats.time_format(value, "TIME_FORMAT")


def time_range(start: datetime | time, end: datetime | time) -> str:
    """'4:45 PM – 6:00 PM'."""
    return f"{clock(start)} – {clock(end)}"


def span(start: datetime, end: datetime) -> str:
    """'Tue, Dec 1, 2026, 4:45 PM – 6:00 PM'; the end's day too when it is another day."""
    start, end = _local(start), _local(end)
    if start.date() == end.date():
        return f"{moment(start)} – {clock(end)}"
    return f"{moment(start)} – {moment(end)}"


def hour_label(hour: int) -> str:
    """'9 AM', '12 PM', '6 PM' (the week grid's hour lines)."""
    return clock(time(hour % 24)).replace(":00", "")
