"""Clinic time: weeks run Monday to Sunday in Los Angeles time, DST weeks included."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from scheduling import clinictime


@pytest.mark.parametrize(
    ("monday", "hours"),
    [
        (date(2026, 3, 2), 167),  # Sunday 8 March 2026: clocks go forward, a 23-hour day
        (date(2026, 10, 26), 169),  # Sunday 1 November 2026: clocks go back, a 25-hour day
        (date(2026, 6, 1), 168),
    ],
)
def test_week_length_follows_daylight_saving(monday, hours):
    start, end = clinictime.week_bounds(monday)
    assert end - start == timedelta(hours=hours)
    assert clinictime.local(start).time() == time(0, 0)
    assert clinictime.local(end).date() == monday + timedelta(days=7)


def test_local_to_utc_keeps_the_wall_clock_across_the_change():
    before = clinictime.local_to_utc(date(2026, 3, 6), time(9, 0))
    after = clinictime.local_to_utc(date(2026, 3, 9), time(9, 0))
    assert before == datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # PST, UTC-8
    assert after == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # PDT, UTC-7


def test_monday_of():
    assert clinictime.monday_of(date(2026, 3, 8)) == date(2026, 3, 2)
    assert clinictime.monday_of(date(2026, 3, 9)) == date(2026, 3, 9)


def test_span_display_is_in_clinic_time():
    start = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)  # 09:00 PST, the day clocks go back
    assert (
        clinictime.span_display(start, start + timedelta(hours=3))
        == "Sun, Nov 1, 2026, 9:00 AM – 12:00 PM"
    )


def test_parse_date_refuses_nonsense():
    assert clinictime.parse_date("2026-03-09") == date(2026, 3, 9)
    assert clinictime.parse_date("09/03/2026") is None
    assert clinictime.parse_date("") is None
