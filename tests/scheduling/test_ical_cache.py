"""The iCal feed is built once and answered from the cache (or with a 304) until one of
its sessions changes; changes to other counselors' sessions leave it alone."""

from datetime import timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling import clinictime
from scheduling.models import CalendarFeed, SessionCounselor
from scheduling.services import (
    cancel_session,
    generate_track_sessions,
    reschedule_session,
)
from tests.factories import AdmissionFactory, RoomFactory
from tests.scheduling.conftest import at, book


@pytest.fixture
def feed(counselor):
    return CalendarFeed.objects.create(user=counselor)


@pytest.fixture
def url(feed):
    return reverse("scheduling:ical-feed", args=[feed.token])


@pytest.fixture
def tomorrow():
    return clinictime.today() + timedelta(days=1)


@pytest.fixture
def mine(patient, counselor, room, tomorrow):
    return book(patient, counselor, room, tomorrow, "10:00")


@pytest.fixture
def theirs(other_counselor, tomorrow):
    return book(
        AdmissionFactory().patient, other_counselor, RoomFactory(name="Office 9"), tomorrow, "10:00"
    )


def _events(response):
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def _is_cached(client, url, etag, django_assert_num_queries):
    """Answered from the cache: only the feed's own row is read, same ETag."""
    with django_assert_num_queries(1):
        response = client.get(url)
    return response.status_code == 200 and response["ETag"] == etag


def test_an_unchanged_feed_comes_from_the_cache(anon_client, url, mine, django_assert_num_queries):
    first = anon_client.get(url)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    with django_assert_num_queries(1):  # the feed's row; no sessions read
        again = anon_client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert f"session-{mine.pk}@127.0.0.1" in _events(again)


def test_the_etag_brings_a_304_without_a_body(anon_client, url, mine, django_assert_num_queries):
    etag = anon_client.get(url)["ETag"]
    with django_assert_num_queries(1):
        response = anon_client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    # an old ETag gets the whole feed
    stale = anon_client.get(url, headers={"if-none-match": '"something-else"'})
    assert stale.status_code == 200 and stale.content


def test_moving_a_session_of_the_feed_rebuilds_it(
    anon_client, url, mine, counselor, room, tomorrow, django_assert_num_queries
):
    etag = anon_client.get(url)["ETag"]
    reschedule_session(
        session=mine, start=at(tomorrow, "14:00"), minutes=50, room=room, by=counselor
    )
    response = anon_client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    event = _events(response)[f"session-{mine.pk}@127.0.0.1"]
    assert event["DTSTART"].dt == clinictime.local(at(tomorrow, "14:00"))
    assert _is_cached(anon_client, url, response["ETag"], django_assert_num_queries)


def test_cancelling_a_session_of_the_feed_rebuilds_it(anon_client, url, mine, counselor):
    etag = anon_client.get(url)["ETag"]
    cancel_session(session=mine, reason="The counselor is off sick today", by=counselor)
    response = anon_client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert str(_events(response)[f"session-{mine.pk}@127.0.0.1"]["STATUS"]) == "CANCELLED"


def test_a_new_room_or_a_renamed_room_rebuilds_it(
    anon_client, url, mine, counselor, tomorrow, room
):
    etag = anon_client.get(url)["ETag"]
    office = RoomFactory(name="Office 12")
    reschedule_session(session=mine, start=mine.start, minutes=50, room=office, by=counselor)
    moved = anon_client.get(url, headers={"if-none-match": etag})
    assert moved.status_code == 200
    assert str(_events(moved)[f"session-{mine.pk}@127.0.0.1"]["LOCATION"]) == "Office 12"
    office.name = "Office 12 (quiet room)"
    office.save()
    renamed = anon_client.get(url, headers={"if-none-match": moved["ETag"]})
    assert renamed.status_code == 200
    assert "Office 12 (quiet room)" in renamed.content.decode()


def test_joining_or_leaving_a_session_rebuilds_it(
    anon_client, url, counselor, theirs, track, tomorrow
):
    etag = anon_client.get(url)["ETag"]
    assert f"session-{theirs.pk}@127.0.0.1" not in _events(anon_client.get(url))
    link = SessionCounselor.objects.create(
        session=theirs, counselor=counselor, start=theirs.start, end=theirs.end
    )
    joined = anon_client.get(url, headers={"if-none-match": etag})
    assert joined.status_code == 200
    assert f"session-{theirs.pk}@127.0.0.1" in _events(joined)
    link.delete()
    left = anon_client.get(url, headers={"if-none-match": joined["ETag"]})
    assert left.status_code == 200
    assert f"session-{theirs.pk}@127.0.0.1" not in _events(left)
    # the sessions of a group the counselor leads, made in bulk, join it too
    day = tomorrow + timedelta(days=(7 - tomorrow.weekday()) % 7)  # a Monday it meets
    generate_track_sessions(track=track, start=day, end=day + timedelta(days=1))
    grouped = anon_client.get(url, headers={"if-none-match": left["ETag"]})
    assert grouped.status_code == 200
    session = track.sessions.get(occurrence_date=day)
    assert f"session-{session.pk}@127.0.0.1" in _events(grouped)


def test_other_counselors_sessions_leave_it_alone(
    anon_client, url, mine, theirs, other_counselor, tomorrow, django_assert_num_queries
):
    etag = anon_client.get(url)["ETag"]
    reschedule_session(
        session=theirs,
        start=at(tomorrow, "15:00"),
        minutes=50,
        room=theirs.room,
        by=other_counselor,
    )
    cancel_session(session=theirs, reason="The patient moved to another city", by=other_counselor)
    book(AdmissionFactory().patient, other_counselor, theirs.room, tomorrow, "17:00")
    with django_assert_num_queries(1):
        response = anon_client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304


def test_a_reset_link_is_not_answered_from_the_cache(anon_client, url, feed, mine):
    assert anon_client.get(url).status_code == 200
    feed.reset()
    assert anon_client.get(url).status_code == 404


def test_an_inactive_counselors_feed_is_gone_even_when_cached(anon_client, url, counselor, mine):
    assert anon_client.get(url).status_code == 200
    counselor.is_active = False
    counselor.save()
    assert anon_client.get(url).status_code == 404


def test_a_rebuild_reads_the_sessions_in_one_query_and_only_what_it_shows(
    anon_client, url, mine, patient, counselor, room, tomorrow
):
    later = book(AdmissionFactory().patient, counselor, room, tomorrow, "15:00")
    first = anon_client.get(url)
    reschedule_session(
        session=later, start=at(tomorrow, "16:00"), minutes=50, room=room, by=counselor
    )
    with CaptureQueriesContext(connection) as ctx:
        rebuilt = anon_client.get(url)
    # the feed's row, then the sessions with their type, track and room names
    assert len(ctx.captured_queries) == 2
    sessions = ctx.captured_queries[1]["sql"]
    for unread in ("cancel_reason", "scheduling_attendee", "intake_patient"):
        assert unread not in sessions
    events = _events(rebuilt)
    assert events[f"session-{later.pk}@127.0.0.1"]["DTSTART"].dt == clinictime.local(
        at(tomorrow, "16:00")
    )
    assert (
        events[f"session-{mine.pk}@127.0.0.1"].to_ical()
        == _events(first)[f"session-{mine.pk}@127.0.0.1"].to_ical()
    )


def test_a_renamed_track_rebuilds_every_event(anon_client, url, counselor, track, tomorrow):
    day = tomorrow + timedelta(days=(7 - tomorrow.weekday()) % 7)
    generate_track_sessions(track=track, start=day, end=day + timedelta(days=1))
    assert "IOP Morning" in anon_client.get(url).content.decode()
    track.name = "IOP Sunrise"
    track.save()
    body = anon_client.get(url).content.decode()
    assert "IOP Sunrise" in body and "IOP Morning" not in body


def test_without_a_shared_cache_nothing_is_kept(anon_client, url, mine, tomorrow, settings):
    """Local memory is one process's: a change made through another gunicorn worker would
    bump only that worker's versions. Without CACHE_URL every answer is built afresh, and
    the ETag is the body's own digest."""
    settings.SCHEDULE_CACHE = False
    first = anon_client.get(url)
    assert anon_client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    # a change that bumps no version here (as if made by another process)
    type(mine).objects.filter(pk=mine.pk).update(
        start=at(tomorrow, "15:00"), end=at(tomorrow, "15:50"), updated_at=at(tomorrow, "08:00")
    )
    response = anon_client.get(url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    event = _events(response)[f"session-{mine.pk}@127.0.0.1"]
    assert event["DTSTART"].dt == clinictime.local(at(tomorrow, "15:00"))


@pytest.mark.django_db
def test_a_release_that_changes_what_is_kept_never_answers_the_old_body(
    anon_client, url, mine, monkeypatch, django_assert_num_queries
):
    from scheduling import feedcache

    etag = anon_client.get(url)["ETag"]
    assert _is_cached(anon_client, url, etag, django_assert_num_queries)

    monkeypatch.setattr(feedcache, "FORMAT", feedcache.FORMAT + 1)  # the next release
    response = anon_client.get(url)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert anon_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
