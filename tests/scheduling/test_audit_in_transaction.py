"""Every scheduling change and its audit event commit together: when the audit write
fails, the change is not there either (and when it succeeds, both are)."""

from datetime import date, timedelta

import pytest

from accounts.models import AuditEvent
from scheduling import services
from scheduling.models import Attendance, Session, TrackEnrollment
from tests.factories import program
from tests.scheduling.conftest import admitted, at, book, group_session

DAY = date(2026, 3, 4)
REASON = "The counselor is away at a training day."


class AuditDown(Exception):
    pass


@pytest.fixture
def break_audit(monkeypatch):
    """`break_audit()` makes every audit write of the scheduling services fail from then on."""

    def fail(*args, **kwargs):
        raise AuditDown

    return lambda: monkeypatch.setattr(services, "_audit", fail)


def _fails(call) -> None:
    with pytest.raises(AuditDown):
        call()


def test_booking(break_audit, patient, counselor, room, individual):
    break_audit()
    _fails(lambda: book(patient, counselor, room, DAY, "10:00"))
    assert not Session.objects.exists()


def test_booking_writes_its_event(patient, counselor, room):
    session = book(patient, counselor, room, DAY, "10:00")
    event = AuditEvent.objects.get(object_id=str(session.pk), action="create")
    assert event.actor == counselor and event.patient_uuid == patient.uuid


def test_rescheduling(break_audit, patient, counselor, room):
    session = book(patient, counselor, room, DAY, "10:00")
    break_audit()
    _fails(
        lambda: services.reschedule_session(
            session=session, start=at(DAY, "14:00"), minutes=50, room=room, by=counselor
        )
    )
    session.refresh_from_db()
    assert session.start == at(DAY, "10:00")
    assert session.attendees.get().start == at(DAY, "10:00")


def test_cancelling(break_audit, patient, counselor, room):
    session = book(patient, counselor, room, DAY, "10:00")
    break_audit()
    _fails(lambda: services.cancel_session(session=session, reason=REASON, by=counselor))
    session.refresh_from_db()
    assert not session.is_cancelled and session.cancel_reason == ""
    assert session.attendees.get().active


def test_cancelling_writes_its_event(patient, counselor, room):
    session = book(patient, counselor, room, DAY, "10:00")
    services.cancel_session(session=session, reason=REASON, by=counselor)
    assert AuditEvent.objects.filter(
        object_id=str(session.pk), detail="cancelled", actor=counselor
    ).exists()


def test_notes(break_audit, track, counselor, patient):
    session = group_session(track, DAY, [patient])
    break_audit()
    _fails(
        lambda: services.save_session_notes(session=session, notes="Relapse plans.", by=counselor)
    )
    session.refresh_from_db()
    assert session.notes == "" and not session.is_edited


def test_attendance(break_audit, track, counselor, patient):
    other = admitted()
    session = group_session(track, DAY, [patient, other])
    break_audit()
    _fails(lambda: services.mark_all_present(session=session, by=counselor))
    _fails(
        lambda: services.mark_attendance(
            session=session,
            marks={session.attendees.first().pk: (Attendance.ABSENT, None)},
            by=counselor,
        )
    )
    assert not session.attendees.exclude(attendance="").exists()


def test_attendance_writes_one_event_per_patient(track, counselor, patient):
    other = admitted()
    session = group_session(track, DAY, [patient, other])
    services.mark_all_present(session=session, by=counselor)
    events = AuditEvent.objects.filter(object_id=str(session.pk), detail="attendance")
    assert {e.patient_uuid for e in events} == {patient.uuid, other.uuid}
    assert {e.actor for e in events} == {counselor}


def test_enrolling(break_audit, track, patient, intake_user):
    break_audit()
    _fails(
        lambda: services.enroll_patient(
            track=track, patient=patient, joined=DAY, by=intake_user, today=DAY
        )
    )
    assert not TrackEnrollment.objects.exists()


def test_enrolling_by_exception(break_audit, track, intake_user):
    break_audit()
    php = admitted(program=program("PHP"))
    _fails(
        lambda: services.enroll_patient(
            track=track,
            patient=php,
            joined=DAY,
            exception_reason="Stepping down from PHP; joins the group early.",
            by=intake_user,
            today=DAY,
        )
    )
    assert not TrackEnrollment.objects.exists()


def test_ending_an_enrollment(break_audit, track, patient, intake_user):
    enrollment, _ = services.enroll_patient(
        track=track, patient=patient, joined=DAY, by=intake_user, today=DAY
    )
    services.generate_track_sessions(track=track, start=DAY, end=DAY + timedelta(days=14))
    break_audit()
    _fails(
        lambda: services.end_enrollment(
            enrollment=enrollment,
            left=DAY + timedelta(days=7),
            reason=REASON,
            by=intake_user,
            today=DAY,
        )
    )
    enrollment.refresh_from_db()
    assert enrollment.left is None and enrollment.end_reason == ""
    assert track.sessions.filter(attendees__patient=patient).count() == 6


def test_cancelling_a_series(break_audit, frozen_now, track, patient, director):
    frozen_now(at(DAY, "08:00"))
    group_session(track, DAY + timedelta(days=2), [patient])
    break_audit()
    _fails(
        lambda: services.cancel_series(
            track=track, start=DAY + timedelta(days=1), reason=REASON, by=director
        )
    )
    track.refresh_from_db()
    assert track.last_date is None and track.series_cancel_reason == ""
    assert not Session.objects.filter(status=Session.Status.CANCELLED).exists()
