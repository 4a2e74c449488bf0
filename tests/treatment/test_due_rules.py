"""When a plan is due (treatment/due.py, treatment/reviews.py): table tests of the rules,
in the clinic's calendar days (America/Los_Angeles), weekends counted like any day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from treatment import reviews
from treatment.due import DUE, OVERDUE, UPCOMING, plan_due

LA = ZoneInfo("America/Los_Angeles")
MON = date(2026, 3, 2)  # a Monday; Sat Mar 7, Sun Mar 8 (daylight saving starts)

# care_start, level_start, last_signed_on, signed_at_this_level, off_track, today ->
# occasion, due_on, state
CASES = [
    # initial plan: within 7 calendar days of admission
    (MON, MON, None, False, "", MON, "initial", MON + timedelta(7), DUE),
    (MON, MON, None, False, "", MON + timedelta(7), "initial", MON + timedelta(7), DUE),
    (MON, MON, None, False, "", MON + timedelta(8), "initial", MON + timedelta(7), OVERDUE),
    # admitted on a Sunday: due the next Sunday, a weekend day, not moved to Monday
    (
        MON - timedelta(1),
        MON - timedelta(1),
        None,
        False,
        "",
        MON + timedelta(6),
        "initial",
        MON + timedelta(6),
        DUE,
    ),
    (
        MON - timedelta(1),
        MON - timedelta(1),
        None,
        False,
        "",
        MON + timedelta(7),
        "initial",
        MON + timedelta(6),
        OVERDUE,
    ),
    # a plan signed before this stretch of care (readmission) does not count
    (MON, MON, MON - timedelta(40), True, "", MON, "initial", MON + timedelta(7), DUE),
    # 30-day review: upcoming until a week before, due in the last week, then overdue
    (
        MON,
        MON,
        MON + timedelta(2),
        True,
        "",
        MON + timedelta(24),
        "scheduled",
        MON + timedelta(32),
        UPCOMING,
    ),
    (
        MON,
        MON,
        MON + timedelta(2),
        True,
        "",
        MON + timedelta(25),
        "scheduled",
        MON + timedelta(32),
        DUE,
    ),
    (
        MON,
        MON,
        MON + timedelta(2),
        True,
        "",
        MON + timedelta(32),
        "scheduled",
        MON + timedelta(32),
        DUE,
    ),
    (
        MON,
        MON,
        MON + timedelta(2),
        True,
        "",
        MON + timedelta(33),
        "scheduled",
        MON + timedelta(32),
        OVERDUE,
    ),
    # change of level: review within 7 days of the new level's start
    (
        MON,
        MON + timedelta(10),
        MON + timedelta(2),
        False,
        "",
        MON + timedelta(12),
        "level_change",
        MON + timedelta(17),
        DUE,
    ),
    (
        MON,
        MON + timedelta(10),
        MON + timedelta(2),
        False,
        "",
        MON + timedelta(18),
        "level_change",
        MON + timedelta(17),
        OVERDUE,
    ),
    # a review signed at the new level satisfies it: back to the 30-day clock
    (
        MON,
        MON + timedelta(10),
        MON + timedelta(12),
        True,
        "",
        MON + timedelta(18),
        "scheduled",
        MON + timedelta(42),
        UPCOMING,
    ),
    # off track: due today, whatever the 30-day clock says
    (
        MON,
        MON,
        MON + timedelta(2),
        True,
        "BAM use above 0 twice",
        MON + timedelta(5),
        "off_track",
        MON + timedelta(5),
        DUE,
    ),
]


@pytest.mark.parametrize(
    ("care_start", "level_start", "signed", "at_level", "off", "today", "occasion", "due_on",
     "state"),
    CASES,
)  # fmt: skip
def test_plan_due(care_start, level_start, signed, at_level, off, today, occasion, due_on, state):
    due = plan_due(
        care_start=care_start,
        level_start=level_start,
        last_signed_on=signed,
        signed_at_this_level=at_level,
        off_track=off,
        today=today,
    )
    assert (due.occasion, due.due_on, due.state(today)) == (occasion, due_on, state)


def test_the_reason_names_the_day_in_the_clinics_style():
    due = plan_due(
        care_start=MON, level_start=MON, last_signed_on=None, signed_at_this_level=False,
        today=MON,
    )  # fmt: skip
    assert due.reason == "Initial plan due by Mon, Mar 9, 2026"


@pytest.mark.parametrize(
    ("admissions", "start"),
    [
        # one admission
        ([(MON, None)], MON),
        # stepped down the same day: one stretch of care
        ([(MON - timedelta(20), MON), (MON, None)], MON - timedelta(20)),
        # ended the day before: still one stretch
        ([(MON - timedelta(20), MON - timedelta(1)), (MON, None)], MON - timedelta(20)),
        # two days apart: a readmission starts a new stretch
        ([(MON - timedelta(20), MON - timedelta(2)), (MON, None)], MON),
    ],
)
def test_care_start_joins_admissions_without_a_gap(admissions, start):
    from intake.models import Admission

    rows = [Admission(pk=n, start_date=s, end_date=e) for n, (s, e) in enumerate(admissions)]
    assert reviews.care_start(rows[-1], rows) == start


def test_a_plan_signed_late_in_the_evening_counts_on_that_clinic_day(
    counselor, intake_user, frozen_now
):
    """Signed at 11:30 PM in Los Angeles (07:30 UTC the next day): the review is due 30
    days after the Los Angeles date."""
    from tests.treatment.conftest import in_care, signed_plan

    frozen_now(datetime.combine(date(2026, 3, 6), time(23, 30), tzinfo=LA))
    patient = in_care(counselor, intake_user)
    plan = signed_plan(patient, counselor)
    assert plan.signed_at.astimezone(ZoneInfo("UTC")).date() == date(2026, 3, 7)
    due = reviews.due_for_patient(patient, today=date(2026, 3, 20))
    assert due.due_on == date(2026, 4, 5)


def test_a_registered_trigger_asks_for_a_review(patient, counselor):
    from tests.treatment.conftest import signed_plan

    signed_plan(patient, counselor)
    assert reviews.plan_flags(list(patient.admissions.select_related("patient"))) == []

    def off_track(patients):
        return {p.pk: "PHQ-9 up 6 points since admission" for p in patients}

    reviews.register_trigger(off_track)
    try:
        (flag,) = reviews.plan_flags(list(patient.admissions.select_related("patient")))
    finally:
        reviews.unregister_trigger(off_track)
    assert flag.due.occasion == "off_track"
    assert flag.due.reason == "Progress off track: PHQ-9 up 6 points since admission"


def test_flags_take_the_same_queries_for_many_patients(
    counselor, intake_user, django_assert_num_queries
):
    from intake.models import Admission
    from tests.treatment.conftest import in_care, signed_plan

    def flags():
        admissions = list(Admission.objects.filter(end_date__isnull=True).select_related("patient"))
        # two for the plans, one for outcomes' off-track trigger (treatment.reviews)
        with django_assert_num_queries(3):
            return reviews.plan_flags(admissions)

    in_care(counselor, intake_user, days_ago=9)
    assert [f.state for f in flags()] == [OVERDUE]
    for days in (1, 2, 40):
        signed_plan(in_care(counselor, intake_user, days_ago=days), counselor)
    in_care(counselor, intake_user, days_ago=3)
    assert sorted(f.state for f in flags()) == [DUE, OVERDUE]
