"""What a plausible scheduling date or time is: the ranges every scheduling form and
service checks (listed in docs/date-ranges.md), and the clinic's opening hours.

Dates are counted from the clinic's today. The week grid and the caseload may be
browsed over any week between clinictime.EARLIEST and LATEST; the ranges here are for
dates that go into the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.validators import validate_date_between
from scheduling import clinictime

# a session (booked or moved) may be dated up to this many days back, to record one that
# happened, and no further ahead than a year
SESSION_PAST_DAYS = 30
FUTURE_DAYS = 365
# a group's first meeting: within a year either side of today; its last: within two years
TRACK_FIRST_DATE_DAYS = 365
TRACK_LAST_DATE_DAYS = 2 * 365
# an enrollment's last day may be put up to this many days back (a late correction)
ENROLLMENT_END_PAST_DAYS = 30

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def check_session_date(day: date, *, today: date) -> None:
    validate_date_between(
        day,
        earliest=today - timedelta(days=SESSION_PAST_DAYS),
        latest=today + timedelta(days=FUTURE_DAYS),
        what="The session date",
    )


def check_track_first_date(day: date, *, today: date) -> None:
    validate_date_between(
        day,
        earliest=today - timedelta(days=TRACK_FIRST_DATE_DAYS),
        latest=today + timedelta(days=TRACK_FIRST_DATE_DAYS),
        what="The first meeting",
    )


def check_track_last_date(day: date, *, first: date, today: date) -> None:
    validate_date_between(
        day,
        earliest=first,
        latest=today + timedelta(days=TRACK_LAST_DATE_DAYS),
        what="The last meeting",
    )


@dataclass(frozen=True)
class OpeningHours:
    opens: time
    closes: time
    days: frozenset[int]  # 0 is Monday

    def is_open(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) (aware) lies within one open day's hours, clinic time."""
        first, last = clinictime.local(start), clinictime.local(end)
        if first.weekday() not in self.days:
            return False
        if last.date() != first.date() and not (
            last.date() == first.date() + timedelta(days=1) and last.time() == time(0, 0)
        ):
            return False
        closes_at = datetime.combine(first.date(), self.closes, tzinfo=first.tzinfo)
        return first.time() >= self.opens and last <= closes_at

    def describe(self) -> str:
        """'Mon–Sat, 7:00 AM–9:00 PM'."""
        return (
            f"{_days_display(self.days)}, {_time_display(self.opens)}–{_time_display(self.closes)}"
        )


@cache
def _parse(opens: str, closes: str, days: tuple[str, ...]) -> OpeningHours:
    try:
        start, end = time.fromisoformat(opens), time.fromisoformat(closes)
        numbers = frozenset(_DAY_NAMES.index(day.strip().lower()[:3]) for day in days)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "CLINIC_OPENS and CLINIC_CLOSES are times like 07:00; CLINIC_OPEN_DAYS is a "
            "comma-separated list of day names like Mon,Tue."
        ) from exc
    if end <= start:
        raise ImproperlyConfigured("CLINIC_CLOSES must be later than CLINIC_OPENS.")
    return OpeningHours(start, end, numbers)


def opening_hours() -> OpeningHours:
    return _parse(settings.CLINIC_OPENS, settings.CLINIC_CLOSES, tuple(settings.CLINIC_OPEN_DAYS))


def _time_display(at: time) -> str:
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def _days_display(days: frozenset[int]) -> str:
    ordered = sorted(days)
    names = [_DAY_NAMES[d].title() for d in ordered]
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)
