"""Printed attendance, and attendance sent out in a disclosure: week by week, between two
copies of the 42 CFR 2.32 notice, audited; a counselor prints only their own patients."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from intake import records
from intake import services as intake_services
from scheduling.models import Attendance
from scheduling.services import mark_attendance
from tests.factories import ConsentFactory, RoomFactory
from tests.scheduling.conftest import book, group_session

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2)."
)


def print_url(patient) -> str:
    return reverse("scheduling:print-attendance", args=[patient.uuid])


def _attend(session, patient, attendance=Attendance.PRESENT, minutes=None, by=None):
    attendee = session.attendees.get(patient=patient)
    mark_attendance(session=session, marks={attendee.pk: (attendance, minutes)}, by=by)


def two_weeks(track, patient, counselor) -> None:
    """Week of Mar 2: the Mon/Wed/Fri group, 2 hours on Friday. Week of Mar 9: Monday's
    group and an individual session on Tuesday."""
    sessions = [
        group_session(track, MONDAY + timedelta(days=d), [patient] if d == 0 else [])
        for d in (0, 2, 4, 7)
    ]
    for session in sessions[:2] + sessions[3:]:
        _attend(session, patient, by=counselor)
    _attend(sessions[2], patient, Attendance.LEFT_EARLY, 120, by=counselor)
    book(patient, counselor, RoomFactory(), MONDAY + timedelta(days=8), "10:00", 50)


def test_a_counselor_prints_their_patients_attendance_week_by_week(
    counselor_client, counselor, track, patient
):
    two_weeks(track, patient, counselor)
    response = counselor_client.get(print_url(patient))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(NOTICE) == 2
    first = page.index("Week of Mon, Mar 2 to Sun, Mar 8, 2026")
    second = page.index("Week of Mon, Mar 9 to Sun, Mar 15, 2026")
    assert page.index(NOTICE) < first < second < page.rindex(NOTICE)  # oldest first
    assert "Scheduled 9.0 h · attended 8.0 h" in page
    assert "Left early" in page and "Not taken" in page  # Tuesday's session, not marked
    assert page.count("under the program's weekly minimum") == 2
    assert patient.mrn in page and "data-print-button" in page
    event = AuditEvent.objects.get(action="print", patient_uuid=patient.uuid)
    assert event.detail == "attendance" and event.actor == counselor


def test_another_counselors_patient_is_not_found(other_counselor_client, patient):
    assert other_counselor_client.get(print_url(patient)).status_code == 404
    assert not AuditEvent.objects.filter(patient_uuid=patient.uuid).exists()


def test_intake_staff_and_the_director_print_any_patients_attendance(
    intake_client, director_client, patient
):
    for client in (intake_client, director_client):
        response = client.get(print_url(patient))
        assert response.status_code == 200
        assert "No sessions." in response.content.decode()
    assert AuditEvent.objects.filter(action="print", patient_uuid=patient.uuid).count() == 2


def test_the_attendance_page_links_to_the_print(counselor_client, patient):
    url = reverse("scheduling:patient-attendance", args=[patient.uuid])
    assert print_url(patient) in counselor_client.get(url).content.decode()


def test_printing_takes_the_same_queries_however_many_weeks(
    counselor_client, counselor, track, patient
):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert counselor_client.get(print_url(patient)).status_code == 200
        return len(ctx.captured_queries)

    two_weeks(track, patient, counselor)
    count()  # warm per-process caches
    few = count()
    for week in range(2, 8):
        session = group_session(track, MONDAY + timedelta(weeks=week))
        _attend(session, patient, by=counselor)
    # session, user, roles, patient (access checked in the same query), audit,
    # admission, attendance, the program's group days, the diagnosis (treatment's fact
    # in the patient block)
    assert few == count() <= 9, few


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))


def test_a_disclosure_sends_only_the_days_in_its_period(intake_user, counselor, track, patient):
    two_weeks(track, patient, counselor)
    consent = ConsentFactory(patient=patient, signed_on=date(2026, 2, 1), covers_attendance=True)
    disclosure = intake_services.disclose_records(
        patient=patient,
        consent=consent,
        what="attendance",
        attendance_from=MONDAY + timedelta(days=1),
        attendance_to=MONDAY + timedelta(days=6),
        by=intake_user,
        at=noon(date(2026, 3, 20)),
    )
    document = records.disclosure_document(disclosure)
    assert document.count(NOTICE) == 2
    assert "Attendance, Mar 3, 2026 to Mar 8, 2026" in document
    assert "Week of Mon, Mar 2 to Sun, Mar 8, 2026" in document
    assert "Week of Mon, Mar 9" not in document
    # Monday is outside the period: Wednesday's 3 hours and Friday's 2 of 3
    assert "Scheduled 6.0 h · attended 5.0 h" in document
    assert "a week cut by those days counts only its days inside them" in document
