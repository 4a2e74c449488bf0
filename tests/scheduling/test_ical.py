"""The counselor's private calendar feed: valid iCalendar, clinic time zone, no patient names."""

from datetime import date, timedelta

import icalendar
import pytest
from django.urls import reverse

from scheduling import clinictime, ical
from scheduling.models import CalendarFeed
from scheduling.services import cancel_session
from tests.factories import AdmissionFactory, RoomFactory, TrackFactory
from tests.scheduling.conftest import book, group_session


@pytest.fixture
def feed(counselor):
    return CalendarFeed.objects.create(user=counselor)


def _feed_url(feed):
    return reverse("scheduling:ical-feed", args=[feed.token])


def test_the_feed_parses_back_with_type_track_room_and_time_zone(
    anon_client, feed, counselor, track, patient, room
):
    today = clinictime.today()
    group = group_session(track, today + timedelta(days=(7 - today.weekday()) % 7), [patient])
    single = book(patient, counselor, room, today + timedelta(days=1), "16:00")
    other = AdmissionFactory(
        patient__legal_first_name="Philippa", patient__legal_last_name="Marchbanks"
    ).patient
    cancelled = book(other, counselor, room, today + timedelta(days=2), "16:00")
    cancel_session(session=cancelled, reason="Rescheduled at the patient's request", by=counselor)

    response = anon_client.get(_feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    calendar = icalendar.Calendar.from_ical(response.content)

    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/Los_Angeles"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"session-{s.pk}@127.0.0.1" for s in (group, single, cancelled)}

    g = events[f"session-{group.pk}@127.0.0.1"]
    assert str(g["SUMMARY"]) == "Group therapy: IOP Morning"
    assert str(g["LOCATION"]) == "Group Room A"
    assert "Track: IOP Morning" in str(g["DESCRIPTION"])
    assert g["DTSTART"].dt == clinictime.local(group.start)
    assert g["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert g["DTSTAMP"].dt.tzinfo is not None
    s = events[f"session-{single.pk}@127.0.0.1"]
    assert str(s["SUMMARY"]) == "Individual counseling"
    assert str(events[f"session-{cancelled.pk}@127.0.0.1"]["STATUS"]) == "CANCELLED"
    # never a patient's name, nor the reason text written about them
    for p in [patient, *[a.patient for a in cancelled.attendees.all()]]:
        assert p.legal_last_name not in body and p.legal_first_name not in body
    assert "patient's request" not in body


def test_the_feed_holds_only_the_owners_sessions(anon_client, feed, other_counselor, room):
    theirs = book(
        AdmissionFactory().patient,
        other_counselor,
        room,
        clinictime.today() + timedelta(days=1),
        "10:00",
    )
    calendar = icalendar.Calendar.from_ical(anon_client.get(_feed_url(feed)).content)
    assert f"session-{theirs.pk}" not in {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert calendar.walk("VTIMEZONE")  # the zone is there even without events


def test_a_wrong_token_is_404(anon_client, feed):
    assert (
        anon_client.get(reverse("scheduling:ical-feed", args=["not-the-token"])).status_code == 404
    )


def test_tokens_are_long_and_random(counselor, other_counselor):
    a, b = (
        CalendarFeed.objects.create(user=counselor),
        CalendarFeed.objects.create(user=other_counselor),
    )
    assert len(a.token) >= 43 and a.token != b.token


def test_reset_makes_the_old_link_stop_working(counselor_client, anon_client, feed):
    old = _feed_url(feed)
    page = counselor_client.get(reverse("scheduling:calendar-feed")).content.decode()
    assert feed.token in page
    response = counselor_client.post(reverse("scheduling:reset-calendar-feed"))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert anon_client.get(old).status_code == 404
    assert anon_client.get(_feed_url(feed)).status_code == 200


def test_the_first_post_creates_the_link(counselor_client, counselor):
    assert (
        "Create my private link"
        in counselor_client.get(reverse("scheduling:calendar-feed")).content.decode()
    )
    counselor_client.post(reverse("scheduling:reset-calendar-feed"))
    assert CalendarFeed.objects.filter(user=counselor).exists()


def test_reset_is_post_only(counselor_client):
    assert counselor_client.get(reverse("scheduling:reset-calendar-feed")).status_code == 405


def test_another_users_page_does_not_show_my_token(other_counselor_client, feed):
    page = other_counselor_client.get(reverse("scheduling:calendar-feed")).content.decode()
    assert feed.token not in page


def test_the_window_is_the_last_30_days_and_the_next_180(
    anon_client, feed, counselor, patient, room
):
    """Back as far as a session may still be booked or moved, half a year ahead: whole
    clinic days, counted from today."""
    today = clinictime.today()
    days = {-200: False, -31: False, -30: True, 0: True, 179: True, 180: False}
    sessions = {d: book(patient, counselor, room, today + timedelta(days=d), "10:00") for d in days}
    calendar = icalendar.Calendar.from_ical(anon_client.get(_feed_url(feed)).content)
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert {d: f"session-{s.pk}@127.0.0.1" in uids for d, s in sessions.items()} == days


AWKWARD_ROOM = 'Annex, 2nd floor; "quiet" side \\ by the lift\nRing twice'
LONG_TRACK = "Évening Café group — Œuvres et séances prolongées, mardi et jeudi; famille"


def _library_event(session):
    """The event as the icalendar library's object model writes it (the feed was built
    so before): the feed's own writer must give the same bytes."""
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@127.0.0.1")
    event.add("dtstamp", session.updated_at)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", clinictime.local(session.start))
    event.add("dtend", clinictime.local(session.end))
    kind = session.session_type.name
    event.add("summary", f"{kind}: {session.track.name}" if session.track else kind)
    event.add("location", session.room.name)
    lines = [f"Type: {kind}", *([f"Track: {session.track.name}"] if session.track else [])]
    event.add("description", "\n".join([*lines, f"Room: {session.room.name}"]))
    event.add("categories", [kind])
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("sequence", int((session.updated_at - session.created_at) / timedelta(seconds=1)))
    return event.to_ical()


def test_awkward_names_are_escaped_folded_and_read_back_whole(
    anon_client, feed, counselor, patient
):
    room = RoomFactory(name=AWKWARD_ROOM)
    track = TrackFactory(
        name=LONG_TRACK, room=room, lead_counselor=counselor, first_date=date(2026, 1, 5)
    )
    today = clinictime.today()
    group = group_session(track, today + timedelta(days=(7 - today.weekday()) % 7), [patient])
    single = book(patient, counselor, room, today + timedelta(days=1), "16:00")
    cancel_session(session=single, reason="Rescheduled at the patient's request", by=counselor)

    body = anon_client.get(_feed_url(feed)).content
    # CRLF line ends only, and no line longer than 75 octets
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    assert b"\r\n " in body  # the long lines were folded, not cut
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    g = events[f"session-{group.pk}@127.0.0.1"]
    assert str(g["SUMMARY"]) == f"Group therapy: {LONG_TRACK}"
    assert str(g["LOCATION"]) == AWKWARD_ROOM
    assert (
        str(g["DESCRIPTION"]) == f"Type: Group therapy\nTrack: {LONG_TRACK}\nRoom: {AWKWARD_ROOM}"
    )
    assert g.categories == ["Group therapy"]
    assert g["DTEND"].dt == clinictime.local(group.end)
    s = events[f"session-{single.pk}@127.0.0.1"]
    assert str(s["STATUS"]) == "CANCELLED"
    assert str(s["DESCRIPTION"]) == f"Type: Individual counseling\nRoom: {AWKWARD_ROOM}"
    assert s["LAST-MODIFIED"].dt == s["DTSTAMP"].dt
    # the same bytes the icalendar library writes for these events
    for session in (group, single):
        session.refresh_from_db()
        assert _library_event(session) in body


@pytest.mark.parametrize("shift", range(0, 90, 3))
def test_lines_fold_as_the_library_folds_them_and_never_after_a_backslash(shift):
    name = "a" * shift + "Annex\\; wing, " + "é" * 20 + "\n" + "b" * 40 + ";,\\"
    library = icalendar.Event()
    library.add("location", name)
    ours = ical.fold(f"LOCATION:{ical.escape(name)}")
    assert library.to_ical() == f"BEGIN:VEVENT\r\n{ours}\r\nEND:VEVENT\r\n".encode()
    pieces = ours.split("\r\n ")
    assert all(len(p.encode()) < 75 for p in pieces)
    # an escape is never split: no piece ends with an odd run of backslashes
    assert all((len(p) - len(p.rstrip("\\"))) % 2 == 0 for p in pieces[:-1])
    assert "".join(pieces) == f"LOCATION:{ical.escape(name)}"
