"""Ending an enrolment, cancelling a session and cancelling a group's coming sessions:
each asks for a reason and shows the date(s) affected before anything changes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from scheduling.models import Session
from scheduling.services import (
    EnrollmentError,
    SessionError,
    cancel_series,
    cancel_session,
    end_enrollment,
    enroll_patient,
    generate_track_sessions,
)
from tests.scheduling.conftest import at, book

WEDNESDAY = date(2026, 3, 4)
REASON = "The group moves to the new building."


@pytest.fixture
def now(frozen_now):
    """Wed 4 Mar 2026, 08:00 in the clinic, before the morning group."""
    return frozen_now(at(WEDNESDAY, "08:00"))


@pytest.fixture
def enrollment(now, track, patient):
    enrollment, _ = enroll_patient(track=track, patient=patient, joined=date(2026, 2, 2))
    generate_track_sessions(track=track, start=WEDNESDAY, end=WEDNESDAY + timedelta(days=14))
    return enrollment


# ---------------------------------------------------------------- ending an enrolment


def test_ending_lists_the_sessions_the_patient_comes_off(intake_client, enrollment):
    url = reverse("scheduling:end-enrollment", args=[enrollment.track_id, enrollment.pk])
    response = intake_client.post(url, {"last_day": "2026-03-08", "reason": REASON})
    html = response.content.decode()
    assert "Sun, Mar 8, 2026" in html  # the last day in the group
    assert "They come off 4 planned sessions" in html
    assert "Mon, Mar 9, 2026, 9:00 AM" in html and "Wed, Mar 4, 2026" not in html
    assert enrollment.track.sessions.filter(attendees__patient=enrollment.patient).count() == 6


@pytest.mark.parametrize(
    ("last_day", "refused"),
    [
        (date(2026, 2, 1), True),  # before joining (2 Feb)
        (date(2026, 2, 2), False),  # the joining day itself: one day in the group
        (WEDNESDAY - timedelta(days=31), True),  # more than 30 days back
        (WEDNESDAY - timedelta(days=30), False),
        (WEDNESDAY + timedelta(days=365), False),
        (WEDNESDAY + timedelta(days=366), True),
    ],
)
def test_the_last_day_boundaries(enrollment, intake_user, last_day, refused):
    def call():
        return end_enrollment(
            enrollment=enrollment, left=last_day + timedelta(days=1), reason=REASON, by=intake_user
        )

    if refused:
        with pytest.raises(EnrollmentError) as caught:
            call()
        assert caught.value.field == "left"
    else:
        call()


def test_ending_needs_a_real_reason(enrollment, intake_user):
    for reason in ("", "left", "12345 67890 !!"):
        with pytest.raises(EnrollmentError) as caught:
            end_enrollment(enrollment=enrollment, left=WEDNESDAY, reason=reason, by=intake_user)
        assert caught.value.field == "reason"
    enrollment.refresh_from_db()
    assert enrollment.left is None


def test_a_refused_date_on_the_page_is_explained_beside_the_field(intake_client, enrollment):
    url = reverse("scheduling:end-enrollment", args=[enrollment.track_id, enrollment.pk])
    response = intake_client.post(
        url, {"last_day": "2027-06-01", "reason": REASON, "confirmed": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The last day in the group can&#x27;t be after Mar 4, 2027." in html
    assert REASON in html  # what was typed stays
    enrollment.refresh_from_db()
    assert enrollment.left is None


# ---------------------------------------------------------------- one session


def test_a_cancelled_session_shows_its_reason_who_and_when(
    now, intake_client, intake_user, patient, counselor, room
):
    session = book(patient, counselor, room, WEDNESDAY, "14:00")
    url = reverse("scheduling:cancel-session", args=[session.pk])
    html = intake_client.get(url).content.decode()
    assert "Mar 4, 2026" in html  # the date affected
    response = intake_client.post(url, {"reason": "tbd"})
    assert response.status_code == 200 and "Say a little more" in response.content.decode()
    response = intake_client.post(url, {"reason": "The patient called in sick this morning."})
    assert response.status_code == 302
    html = intake_client.get(session.get_absolute_url()).content.decode()
    assert "The patient called in sick this morning." in html
    assert "Cancelled Wed, Mar 4, 2026, 8:00 AM by" in html
    session.refresh_from_db()
    assert session.cancelled_by == intake_user


def test_a_session_is_cancelled_once(now, patient, counselor, room):
    session = book(patient, counselor, room, WEDNESDAY, "14:00")
    cancel_session(session=session, reason=REASON, by=counselor)
    with pytest.raises(SessionError, match="already cancelled"):
        cancel_session(session=session, reason="Another reason entirely.", by=counselor)
    session.refresh_from_db()
    assert session.cancel_reason == REASON


# ---------------------------------------------------------------- a group's coming sessions


def test_cancelling_the_series_confirms_the_dates_then_cancels_them(
    director_client, enrollment, director
):
    track = enrollment.track
    url = reverse("scheduling:cancel-series", args=[track.pk])
    assert (
        "Cancel the coming sessions"
        in director_client.get(track.get_absolute_url()).content.decode()
    )
    response = director_client.post(url, {"start": "2026-03-09", "reason": REASON})
    html = response.content.decode()
    assert "No more sessions from <strong>Mon, Mar 9, 2026</strong>" in html
    assert "4 planned sessions will be cancelled" in html
    assert "Fri, Mar 13, 2026, 9:00 AM" in html
    assert not Session.objects.filter(status=Session.Status.CANCELLED).exists()
    response = director_client.post(
        url, {"start": "2026-03-09", "reason": REASON, "confirmed": "on"}
    )
    assert response.status_code == 302
    track.refresh_from_db()
    assert track.last_date == date(2026, 3, 8) and track.series_cancel_reason == REASON
    cancelled = track.sessions.filter(status=Session.Status.CANCELLED)
    assert sorted(s.occurrence_date.day for s in cancelled) == [9, 11, 13, 16]
    assert {s.cancel_reason for s in cancelled} == {REASON}
    assert track.sessions.scheduled().count() == 2  # Wed 4 and Fri 6 still meet
    html = director_client.get(track.get_absolute_url()).content.decode()
    assert "Sessions cancelled from Mon, Mar 9, 2026." in html and REASON in html
    # no new sessions appear past the new last date
    generate_track_sessions(track=track, start=WEDNESDAY, end=date(2026, 4, 1))
    assert not track.sessions.filter(occurrence_date__gt=date(2026, 3, 16)).exists()


@pytest.mark.parametrize(
    ("start", "refused"),
    [
        (WEDNESDAY - timedelta(days=1), True),  # the past
        (WEDNESDAY, False),  # today: its sessions not yet begun
        (WEDNESDAY + timedelta(days=365), False),
        (WEDNESDAY + timedelta(days=366), True),
    ],
)
def test_the_first_cancelled_date_boundaries(enrollment, director, start, refused):
    def call():
        return cancel_series(track=enrollment.track, start=start, reason=REASON, by=director)

    if refused:
        with pytest.raises(SessionError) as caught:
            call()
        assert caught.value.field == "start"
    else:
        call()


def test_the_series_cannot_be_cancelled_from_its_first_day_or_twice(now, track, director):
    track.first_date = WEDNESDAY
    track.save()
    with pytest.raises(SessionError, match="can't be before Mar 5, 2026"):
        cancel_series(track=track, start=WEDNESDAY, reason=REASON, by=director)
    cancel_series(track=track, start=WEDNESDAY + timedelta(days=2), reason=REASON, by=director)
    with pytest.raises(SessionError, match="already cancelled"):
        cancel_series(track=track, start=WEDNESDAY + timedelta(days=5), reason=REASON, by=director)


def test_only_directors_cancel_a_series(intake_client, counselor_client, track):
    url = reverse("scheduling:cancel-series", args=[track.pk])
    assert intake_client.get(url).status_code == 403
    assert counselor_client.get(url).status_code == 403
