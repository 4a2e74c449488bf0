"""The session page: roster, attendance, notes; who may see and who may mark."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from scheduling.models import Attendee
from tests.factories import RoomFactory, TrackFactory
from tests.scheduling.conftest import admitted, book, group_session

DAY = date(2026, 3, 4)  # in the past: attendance can be taken


@pytest.fixture
def session(track, patient):
    other = admitted()  # someone else's patient in the same group
    return group_session(track, DAY, [patient, other])


def _post_marks(client, session, marks: dict):
    data = {}
    for attendee, (attendance, minutes) in marks.items():
        data[f"a{attendee.pk}-attendance"] = attendance
        data[f"a{attendee.pk}-minutes"] = "" if minutes is None else str(minutes)
    return client.post(reverse("scheduling:mark-attendance", args=[session.pk]), data)


def test_the_sessions_counselor_sees_the_roster_and_it_is_audited(
    counselor_client, counselor, session, patient
):
    response = counselor_client.get(session.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert patient.display_name in html
    assert "Save attendance" in html and "All present" in html
    events = AuditEvent.objects.filter(action="view", object_type="scheduling.Session")
    assert {e.patient_uuid for e in events} == {a.patient.uuid for a in session.attendees.all()}
    assert all(e.actor == counselor for e in events)


def test_marking_attendance_saves_redirects_and_audits(counselor_client, session, patient):
    mine = session.attendees.get(patient=patient)
    other = session.attendees.exclude(patient=patient).get()
    response = _post_marks(
        counselor_client, session, {mine: ("late", 150), other: ("absent", None)}
    )
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.attendance, mine.minutes_attended) == ("late", 150)
    assert (other.attendance, other.minutes_attended) == ("absent", 0)
    assert AuditEvent.objects.filter(action="change", detail="attendance").count() == 2


def test_partial_attendance_needs_its_minutes_and_nothing_is_half_saved(
    counselor_client, session, patient
):
    mine = session.attendees.get(patient=patient)
    other = session.attendees.exclude(patient=patient).get()
    response = _post_marks(
        counselor_client, session, {mine: ("left_early", None), other: ("present", None)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the minutes attended." in html
    assert 'value="left_early" checked' in html  # what was chosen is kept
    assert not Attendee.objects.filter(session=session).exclude(attendance="").exists()


def test_minutes_cannot_exceed_the_session(counselor_client, session, patient):
    mine = session.attendees.get(patient=patient)
    response = _post_marks(counselor_client, session, {mine: ("late", 500)})
    assert response.status_code == 400
    assert "Minutes attended must be between 1 and 179." in response.content.decode()


def test_all_present_marks_only_those_not_yet_marked(counselor_client, counselor, session, patient):
    mine = session.attendees.get(patient=patient)
    _post_marks(counselor_client, session, {mine: ("excused", None)})
    response = counselor_client.post(reverse("scheduling:mark-all-present", args=[session.pk]))
    assert response.status_code == 302
    values = dict(session.attendees.values_list("patient_id", "attendance"))
    assert values[patient.pk] == "excused"
    assert sorted(values.values()) == ["excused", "present"]
    assert session.attendees.exclude(patient=patient).get().minutes_attended == 180


def test_attendance_waits_for_the_session_to_start(counselor_client, counselor, patient, room):
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = book(patient, counselor, room, tomorrow, "10:00")
    html = counselor_client.get(future.get_absolute_url()).content.decode()
    assert "Attendance can be taken once the session has started." in html
    response = counselor_client.post(reverse("scheduling:mark-all-present", args=[future.pk]))
    assert response.status_code == 302
    assert not future.attendees.exclude(attendance="").exists()


def test_directors_may_mark(director_client, session):
    response = director_client.post(reverse("scheduling:mark-all-present", args=[session.pk]))
    assert response.status_code == 302
    assert not session.attendees.filter(attendance="").exists()


def test_intake_staff_see_the_roster_but_may_not_mark(intake_client, session, patient):
    html = intake_client.get(session.get_absolute_url()).content.decode()
    assert patient.display_name in html and "Save attendance" not in html
    response = intake_client.post(reverse("scheduling:mark-all-present", args=[session.pk]))
    assert response.status_code == 403
    assert not session.attendees.exclude(attendance="").exists()


def test_a_counselor_with_a_patient_in_the_session_sees_only_that_patient_and_may_not_mark(
    other_counselor_client, other_counselor, session
):
    theirs = admitted(primary_counselor=other_counselor)
    Attendee.objects.create(session=session, patient=theirs, start=session.start, end=session.end)
    response = other_counselor_client.get(session.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert theirs.display_name in html
    others = session.attendees.exclude(patient=theirs).select_related("patient")
    assert all(a.patient.display_name not in html for a in others)
    assert "2 more patients in this session are not on your caseload." in html
    assert (
        other_counselor_client.post(
            reverse("scheduling:mark-all-present", args=[session.pk])
        ).status_code
        == 403
    )
    assert (
        other_counselor_client.post(
            reverse("scheduling:session-notes", args=[session.pk]), {"notes": "x"}
        ).status_code
        == 403
    )


def test_an_unrelated_counselor_gets_404(other_counselor_client, session):
    assert other_counselor_client.get(session.get_absolute_url()).status_code == 404
    url = reverse("scheduling:mark-attendance", args=[session.pk])
    assert other_counselor_client.post(url, {}).status_code == 404


def test_notes_are_saved_and_make_the_occurrence_an_exception(counselor_client, session):
    url = reverse("scheduling:session-notes", args=[session.pk])
    response = counselor_client.post(url, {"notes": "Covered coping plans for the holidays."})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.notes == "Covered coping plans for the holidays." and session.is_edited


def test_marking_needs_post(counselor_client, session):
    response = counselor_client.get(reverse("scheduling:mark-all-present", args=[session.pk]))
    assert response.status_code == 405


def test_session_page_query_count_does_not_grow_with_the_roster(counselor_client, counselor):
    small_track = TrackFactory(name="Small", lead_counselor=counselor, room=RoomFactory())
    big_track = TrackFactory(
        name="Big",
        lead_counselor=counselor,
        room=RoomFactory(),
        start_time=time(13),
        length_minutes=60,
    )
    small = group_session(small_track, DAY, [admitted() for _ in range(2)])
    big = group_session(big_track, DAY, [admitted() for _ in range(12)])
    counselor_client.get(small.get_absolute_url())  # warm the session's caches
    counts = []
    for session in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert counselor_client.get(session.get_absolute_url()).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12, counts
