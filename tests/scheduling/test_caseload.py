"""Caseload: each patient's hours this week against the level's range, billable IOP days."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from scheduling import hours
from scheduling.models import Attendance
from scheduling.services import mark_attendance
from tests.factories import AdmissionFactory, RoomFactory, TrackFactory, program
from tests.scheduling.conftest import book, group_session

CASELOAD = reverse("scheduling:caseload")
MONDAY = date(2026, 3, 2)


def _attend(session, patient, attendance=Attendance.PRESENT, minutes=None, by=None):
    attendee = session.attendees.get(patient=patient)
    mark_attendance(session=session, marks={attendee.pk: (attendance, minutes)}, by=by)


def _iop_week(track, patient, counselor):
    """Mon/Wed/Fri 3-hour groups: present Mon and Wed, 2 hours on Friday."""
    sessions = [
        group_session(track, MONDAY + timedelta(days=d), [patient] if d == 0 else [])
        for d in (0, 2, 4)
    ]
    _attend(sessions[0], patient, by=counselor)
    _attend(sessions[1], patient, by=counselor)
    _attend(sessions[2], patient, Attendance.LEFT_EARLY, 120, by=counselor)
    return sessions


def test_hours_and_billable_days(track, patient, counselor):
    _iop_week(track, patient, counselor)
    (load,) = hours.caseloads(
        counselors=[counselor], monday=MONDAY, today=MONDAY + timedelta(days=9)
    )
    (row,) = load.rows
    assert (row.week.scheduled_hours, row.week.attended_hours) == (9.0, 8.0)
    assert row.week.billable_days == [MONDAY, MONDAY + timedelta(days=2)]
    assert row.flag_under_minimum  # the week is over and 8 < 9


def test_scheduled_under_minimum_is_flagged_while_the_week_runs(track, patient, counselor):
    group_session(track, MONDAY, [patient])
    (load,) = hours.caseloads(counselors=[counselor], monday=MONDAY, today=MONDAY)
    assert load.rows[0].week.scheduled_hours == 3.0  # only Monday's group so far
    assert load.rows[0].flag_under_minimum


def test_no_billable_days_when_the_program_meets_fewer_than_three_days(counselor, patient):
    twice = TrackFactory(name="IOP Twice", weekdays=[0, 2], lead_counselor=counselor)
    for day in (0, 2):
        session = group_session(twice, MONDAY + timedelta(days=day), [patient] if day == 0 else [])
        _attend(session, patient, by=counselor)
    (load,) = hours.caseloads(counselors=[counselor], monday=MONDAY, today=MONDAY)
    assert load.rows[0].week.attended_hours == 6.0
    assert load.rows[0].week.billable_days == []


def test_op_and_php_ranges(counselor):
    op = AdmissionFactory(
        primary_counselor=counselor, program=program("OP"), start_date=MONDAY
    ).patient
    php = AdmissionFactory(
        primary_counselor=counselor, program=program("PHP"), start_date=MONDAY
    ).patient
    room = RoomFactory()
    book(op, counselor, room, MONDAY, "13:00", 90)
    rows = {
        r.patient: r
        for r in hours.caseloads(counselors=[counselor], monday=MONDAY, today=MONDAY)[0].rows
    }
    assert not rows[op].flag_under_minimum and rows[op].week.scheduled_hours == 1.5
    assert rows[php].flag_under_minimum and rows[php].week.minimum == 20


def test_cancelled_sessions_do_not_count(track, patient, counselor):
    from scheduling.services import cancel_session

    session = group_session(track, MONDAY, [patient])
    cancel_session(session=session, reason="Snow day, the clinic is closed", by=counselor)
    (load,) = hours.caseloads(counselors=[counselor], monday=MONDAY, today=MONDAY)
    assert load.rows[0].week.scheduled_hours == 0


def test_counselor_sees_their_own_caseload_and_it_is_audited(
    counselor_client, counselor, other_counselor, patient, track
):
    _iop_week(track, patient, counselor)
    stranger = AdmissionFactory(primary_counselor=other_counselor).patient
    response = counselor_client.get(
        CASELOAD, {"date": "2026-03-04", "counselor": other_counselor.pk}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert patient.display_name in html and stranger.display_name not in html
    assert '<td class="text-end" data-testid="attended-hours">8.0</td>' in html
    assert "Mon, Wed" in html
    assert AuditEvent.objects.filter(
        action="view", patient_uuid=patient.uuid, detail="caseload hours"
    ).exists()


def test_directors_see_every_counselor_or_one(director_client, counselor, other_counselor):
    mine = AdmissionFactory(primary_counselor=counselor).patient
    theirs = AdmissionFactory(primary_counselor=other_counselor).patient
    html = director_client.get(CASELOAD).content.decode()
    assert mine.display_name in html and theirs.display_name in html
    html = director_client.get(CASELOAD, {"counselor": other_counselor.pk}).content.decode()
    assert mine.display_name not in html and theirs.display_name in html


def test_discharged_patients_leave_the_caseload(counselor_client, counselor):
    admission = AdmissionFactory(primary_counselor=counselor)
    admission.end_date = admission.start_date + timedelta(days=1)
    admission.discharge_reason = "completed"
    admission.save()
    assert admission.patient.display_name not in counselor_client.get(CASELOAD).content.decode()


def test_the_planned_discharge_date_shows_under_the_level(counselor_client, counselor):
    planned = date(2026, 4, 17)
    AdmissionFactory(primary_counselor=counselor, start_date=MONDAY, planned_discharge_date=planned)
    AdmissionFactory(primary_counselor=counselor, start_date=MONDAY)
    html = counselor_client.get(CASELOAD, {"date": MONDAY.isoformat()}).content.decode()
    assert html.count("Planned discharge ") == 1
    assert "Planned discharge Fri, Apr 17, 2026" in html


def test_caseload_query_count_does_not_grow(director_client, counselor, other_counselor):
    slots = iter(range(100))

    def fill(n):
        for _ in range(n):
            for c in (counselor, other_counselor):
                slot = next(slots)
                patient = AdmissionFactory(
                    primary_counselor=c,
                    start_date=MONDAY,
                    planned_discharge_date=MONDAY + timedelta(days=40) if slot % 2 else None,
                ).patient
                day = MONDAY + timedelta(days=slot % 5)
                book(patient, c, RoomFactory(), day, f"{8 + slot // 5:02d}:00", 50)

    fill(1)
    director_client.get(CASELOAD)  # warm the session's caches
    counts = []
    for extra in (0, 8):
        fill(extra)
        with CaptureQueriesContext(connection) as ctx:
            assert director_client.get(CASELOAD, {"date": MONDAY.isoformat()}).status_code == 200
        counts.append(len(ctx.captured_queries))
    # + 3 for treatment's "Treatment plan" column (admissions, their history, plans),
    # + 2 for outcomes: its "Progress flags" column and its plan-review trigger
    assert counts[0] == counts[1] <= 16, counts


def test_patient_attendance_week_by_week(counselor_client, counselor, track, patient):
    _iop_week(track, patient, counselor)
    book(patient, counselor, RoomFactory(), MONDAY + timedelta(days=8), "10:00", 50)
    url = reverse("scheduling:patient-attendance", args=[patient.uuid])
    response = counselor_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Week of Mon, Mar 9, 2026" in html and "Week of Mon, Mar 2, 2026" in html
    assert "scheduled 9.0 h · attended 8.0 h · 2 billable days (H0015)" in html
    assert "Left early" in html
    # both weeks fall short of IOP's 9 hours: one as booked, the other as attended
    assert html.count("· under minimum") == 2
    assert AuditEvent.objects.filter(
        action="view", patient_uuid=patient.uuid, detail="attendance by week"
    ).exists()


def test_patient_attendance_is_404_for_a_counselor_who_may_not_see_the_patient(
    other_counselor_client, patient
):
    url = reverse("scheduling:patient-attendance", args=[patient.uuid])
    assert other_counselor_client.get(url).status_code == 404
