"""A week grid is built once per version of the schedule it shows and then answered
from the cache; any change to what it shows builds it again."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.services import cancel_session, enroll_patient, reschedule_session
from tests.factories import AdmissionFactory
from tests.scheduling.conftest import admitted, at, book, group_session

WEEK = reverse("scheduling:week")
DAY = date(2026, 3, 4)


def _get(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(WEEK, {"date": DAY.isoformat(), **params})
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _grid(html: str) -> str:
    return html[html.index('<div class="wk-scroll"') : html.index("Subscribe to your sessions")]


@pytest.fixture
def mine(counselor, patient, room):
    return book(patient, counselor, room, DAY, "10:00")


def test_the_second_look_comes_from_the_cache(counselor_client, mine):
    _get(counselor_client, date="2026-01-05")  # the session's first request writes it
    first, built = _get(counselor_client)
    again, cached = _get(counselor_client)
    assert _grid(again) == _grid(first)
    assert cached == built - 1  # the sessions are not read again
    assert mine.get_absolute_url() in again


def test_a_new_booking_a_move_and_a_cancellation_show_at_once(
    counselor_client, counselor, mine, room
):
    _get(counselor_client)
    other = book(AdmissionFactory().patient, counselor, room, DAY, "14:00")
    html, _ = _get(counselor_client)
    assert other.get_absolute_url() in html
    reschedule_session(session=other, start=at(DAY, "16:00"), minutes=50, room=room, by=counselor)
    assert "4:00 PM – 4:50 PM" in _get(counselor_client)[0]
    cancel_session(session=other, reason="The patient is in the hospital", by=counselor)
    assert '<span class="wk-flag">Cancelled:</span>' in _get(counselor_client)[0]


def test_a_patient_joining_the_group_changes_the_count(counselor_client, track, patient):
    group_session(track, DAY, [patient])
    assert "1 patient<" in _get(counselor_client)[0]
    enroll_patient(track=track, patient=admitted(), joined=DAY, today=DAY)
    assert "2 patients<" in _get(counselor_client)[0]


def test_other_counselors_changes_leave_my_week_cached(
    counselor_client, other_counselor, mine, room
):
    _get(counselor_client, date="2026-01-05")  # the session's first request writes it
    _, built = _get(counselor_client)
    theirs = book(AdmissionFactory().patient, other_counselor, room, DAY, "14:00")
    cancel_session(session=theirs, reason="The patient moved to another city", by=other_counselor)
    _, cached = _get(counselor_client)
    assert cached == built - 1


def test_a_programs_week_follows_any_change(director_client, counselor, track, patient, room):
    group_session(track, DAY, [patient])
    _get(director_client, show="program-IOP")
    single = book(patient, counselor, room, DAY, "15:00")  # an IOP patient's session
    assert single.get_absolute_url() in _get(director_client, show="program-IOP")[0]


def test_a_renamed_room_shows_at_once(counselor_client, mine, room):
    _get(counselor_client)
    room.name = "Counseling Room 1 (upstairs)"
    room.save()
    assert "Counseling Room 1 (upstairs)" in _get(counselor_client)[0]


def test_without_a_shared_cache_the_grid_is_built_each_time(counselor_client, mine, settings):
    settings.SCHEDULE_CACHE = False
    _get(counselor_client, date="2026-01-05")
    _, first = _get(counselor_client)
    # a change that bumps no version here (as if made through another gunicorn worker)
    type(mine).objects.filter(pk=mine.pk).update(start=at(DAY, "15:00"), end=at(DAY, "15:50"))
    html, again = _get(counselor_client)
    assert "3:00 PM" in html
    assert again == first
