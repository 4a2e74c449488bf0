"""seed_demo --size: bigger fictional clinics for benchmarks, idempotent per size."""

import random
import re
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from demo.sizes import SITE_NAMES, SiteShape, plan_site
from intake.models import Admission, Assessment, Patient
from scheduling import clinictime
from scheduling.models import Attendee, Room, Session, SessionCounselor, Track

pytestmark = pytest.mark.django_db

MODELS = [
    "auth.User",
    "intake.Inquiry",
    "intake.Patient",
    "intake.Admission",
    "intake.Assessment",
    "scheduling.Room",
    "scheduling.Track",
    "scheduling.TrackEnrollment",
    "scheduling.Session",
    "scheduling.SessionCounselor",
    "scheduling.Attendee",
]


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in MODELS}


def test_small_is_idempotent(frozen_now):
    # a second run on another day would rightly add that day's sessions: one moment for both
    frozen_now(timezone.now())
    call_command("seed_demo")
    first = _counts()

    call_command("seed_demo", "--size", "small")

    assert _counts() == first


def test_clinic_builds_a_site_once(frozen_now):
    frozen_now(timezone.now())
    call_command("seed_demo")  # the small demo is part of every size
    small = _counts()
    active = Patient.objects.filter(status=Patient.Status.ACTIVE)
    active_before = active.count()
    open_admissions = Admission.objects.filter(end_date__isnull=True, decision__isnull=False)
    open_before = open_admissions.count()

    call_command("seed_demo", "--size", "clinic", "--scale", "0.1")
    first = _counts()
    call_command("seed_demo", "--size", "clinic", "--scale", "0.1")

    assert _counts() == first
    assert all(first[label] > small[label] for label in MODELS)
    shape = SiteShape.scaled(0.1)
    site_patients = shape.op + shape.iop + shape.php
    assert Room.objects.filter(name__startswith=SITE_NAMES[0]).count() == shape.rooms
    assert active.count() - active_before == site_patients
    # every new active patient has an open admission decided from a signed assessment
    assert open_admissions.count() - open_before == site_patients
    staff_prefix = f"{SITE_NAMES[0].lower()}."
    site = Patient.objects.filter(
        status=Patient.Status.ACTIVE,
        admissions__primary_counselor__username__startswith=staff_prefix,
    )
    assert site.count() == site_patients
    assert (
        Assessment.objects.filter(patient__in=site, status=Assessment.Status.COMPLETED).count()
        == site_patients
    )
    assert Track.objects.filter(name__startswith=SITE_NAMES[0], program__code="IOP").exists()
    # fictional people only
    assert all(re.fullmatch(r"\(213\) 555-01\d\d", p.phone) for p in site)
    assert all(p.email.endswith("@example.com") for p in site)


# A weekday afternoon, after the morning groups ended (the small demo leaves the day's
# attendance to do, a site has it taken for all that is over), and the last half-minute
# of a Sunday, when "this week" is about to turn.
@pytest.mark.parametrize(
    "wall_clock",
    [datetime(2026, 3, 4, 13, 5), datetime(2026, 3, 8, 23, 59, 30)],
    ids=["wednesday-afternoon", "sunday-night"],
)
def test_clinic_has_history_with_attendance_a_future_without_and_no_clash(frozen_now, wall_clock):
    now = frozen_now(clinictime.local_to_utc(wall_clock.date(), wall_clock.time()))
    call_command("seed_demo", "--size", "clinic", "--scale", "0.1")
    monday = clinictime.monday_of(wall_clock.date())

    assert Session.objects.in_week(monday - timedelta(weeks=8)).exists()
    assert Session.objects.in_week(monday + timedelta(weeks=3)).exists()
    assert not Session.objects.in_week(monday + timedelta(weeks=4)).exists()
    site = Attendee.objects.filter(session__room__name__startswith=SITE_NAMES[0], active=True)
    past = site.filter(end__lte=now)
    assert past.exists()
    assert not past.filter(attendance="").exists()
    # the small demo's attendance is taken up to the end of yesterday
    before_today = clinictime.local_midnight(wall_clock.date())
    assert not Attendee.objects.filter(active=True, end__lte=before_today, attendance="").exists()
    assert not Attendee.objects.filter(start__gt=now).exclude(attendance="").exists()
    assert site.filter(attendance="absent").exists()
    # the exclusion constraints already refused any clash on insert; check it plainly too
    for model, key in ((SessionCounselor, "counselor_id"), (Attendee, "patient_id")):
        rows = sorted(model.objects.filter(active=True).values_list(key, "start", "end"))
        for (who_a, _, end_a), (who_b, start_b, _) in zip(rows, rows[1:], strict=False):
            assert who_a != who_b or end_a <= start_b


def test_a_full_site_is_planned_without_double_booking():
    shape = SiteShape.scaled(1.0)
    tracks, patients, visits = plan_site(shape, random.Random(1))

    assert len(patients) == 200
    assert sum(len(t.members) for t in tracks) == 200
    sessions_a_week = sum(len(t.weekdays) for t in tracks) + len(
        [v for v in visits if v.parity in (None, 0)]
    )
    assert 500 <= sessions_a_week <= 700
