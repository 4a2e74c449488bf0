"""Due dates: the end of the next business day after the session, in clinic time."""

from datetime import UTC, date, datetime

import pytest

from notes import due
from scheduling import clinictime


@pytest.mark.parametrize(
    ("session_day", "expected"),
    [
        (date(2026, 1, 12), date(2026, 1, 13)),  # Monday -> Tuesday
        (date(2026, 1, 15), date(2026, 1, 16)),  # Thursday -> Friday
        (date(2026, 1, 16), date(2026, 1, 19)),  # Friday -> Monday (weekend skipped)
        (date(2026, 1, 17), date(2026, 1, 19)),  # Saturday -> Monday
        (date(2026, 1, 18), date(2026, 1, 19)),  # Sunday -> Monday
        (date(2026, 3, 6), date(2026, 3, 9)),  # Friday before spring-forward -> Monday
        (date(2026, 12, 31), date(2027, 1, 1)),  # across the year
    ],
)
def test_due_date(session_day, expected):
    assert due.due_date(session_day, closed=()) == expected


def test_holidays_are_not_business_days():
    new_year = date(2027, 1, 1)  # a Friday
    assert due.due_date(date(2026, 12, 31), closed=[new_year]) == date(2027, 1, 4)


def test_holidays_come_from_the_setting(settings):
    settings.NOTE_HOLIDAYS = ["2026-01-13"]
    assert due.due_date(date(2026, 1, 12)) == date(2026, 1, 14)


@pytest.mark.parametrize(
    ("due_on", "written_on", "late"),
    [
        (date(2026, 1, 13), date(2026, 1, 12), False),
        (date(2026, 1, 13), date(2026, 1, 13), False),
        (date(2026, 1, 13), date(2026, 1, 14), True),
    ],
)
def test_is_late(due_on, written_on, late):
    assert due.is_late(due_on, written_on) is late


def test_the_session_day_is_the_clinics():
    """A Friday-evening session at 17:30 in Los Angeles is Saturday 01:30 UTC: still a
    Friday session, due Monday (not Tuesday)."""
    start = datetime(2026, 1, 17, 1, 30, tzinfo=UTC)
    assert clinictime.local(start).date() == date(2026, 1, 16)
    assert due.due_date(clinictime.local(start).date(), closed=()) == date(2026, 1, 19)
