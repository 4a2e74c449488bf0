"""Adolescents: under 18 on the Monday of the week, the week is judged against their
level's adolescent range (OP under 6 h, IOP 6-19 h), and the pages say which applied."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from scheduling import hours
from tests.factories import program
from tests.scheduling.conftest import admitted, at, group_session

MONDAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("birth", "adolescent"),
    [
        (date(2008, 3, 2), False),  # turns 18 on the Monday: an adult that week
        (date(2008, 3, 3), True),  # turns 18 on the Tuesday: still under 18 on the Monday
        (date(2008, 3, 8), True),  # turns 18 on the Sunday
        (date(2008, 3, 1), False),  # turned 18 the Sunday before
        (date(2014, 3, 2), True),  # 12
        (date(1990, 6, 15), False),
        (date(2008, 2, 29), False),  # a leap-day birthday counts from 1 March in 2026
        (None, False),
    ],
)
def test_who_is_an_adolescent_on_the_monday(birth, adolescent):
    assert hours.is_adolescent(birth, MONDAY) is adolescent


def test_a_leap_day_birthday():
    assert hours.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert hours.age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@pytest.mark.parametrize(
    ("code", "adolescent", "shown", "minimum", "maximum"),
    [
        ("IOP", False, "adult range 9-19 h", 9, 19),
        ("IOP", True, "adolescent range 6-19 h", 6, 19),
        ("OP", False, "adult range under 9 h", None, 8),
        ("OP", True, "adolescent range under 6 h", None, 5),
        ("PHP", False, "adult range 20+ h", 20, None),
        ("PHP", True, "range 20+ h (no separate adolescent range)", 20, None),
        ("INP", True, "", None, None),
    ],
)
def test_the_range_that_applies(db, code, adolescent, shown, minimum, maximum):
    week = hours.WeekHours(program=program(code), adolescent=adolescent)
    assert (week.range_display, week.minimum, week.maximum) == (shown, minimum, maximum)


def _six_hours(track, patient):
    """Monday and Wednesday groups of 3 hours each: 6 h booked."""
    for offset in (0, 2):
        group_session(track, MONDAY + timedelta(days=offset), [patient] if offset == 0 else [])


@pytest.mark.parametrize(
    ("birth", "flagged", "shown"),
    [
        (date(2008, 3, 3), False, "adolescent range 6-19 h"),  # 17 on the Monday: 6 h is enough
        (date(2008, 3, 2), True, "adult range 9-19 h"),  # 18 on the Monday: 6 h is short
    ],
)
def test_the_caseload_and_the_home_panel_use_the_range_that_applies(
    client, counselor, track, frozen_now, birth, flagged, shown
):
    frozen_now(at(MONDAY, "08:00"))
    patient = admitted(primary_counselor=counselor, patient__date_of_birth=birth)
    _six_hours(track, patient)
    (load,) = hours.caseloads(counselors=[counselor], monday=MONDAY, today=MONDAY)
    (row,) = load.rows
    assert row.week.scheduled_hours == 6.0
    assert row.flag_under_minimum is flagged and row.week.range_display == shown
    client.force_login(counselor)
    html = client.get(reverse("scheduling:caseload")).content.decode()
    assert shown in html
    # the explanation above the table names the flag once; each flagged row once more
    assert html.count('class="flag-under">Under minimum') == 1 + flagged
    home = client.get(reverse("accounts:home")).content.decode()
    assert ("1 below their program" in home) is flagged
