"""The counselor's private calendar feed: valid iCalendar, clinic time zone, no patient names."""

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling import clinictime
from scheduling.models import CalendarFeed
from scheduling.services import cancel_session
from tests.factories import AdmissionFactory
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


def test_feed_window_keeps_old_sessions_out(anon_client, feed, counselor, patient, room):
    long_ago = book(
        patient, counselor, room, (timezone.now() - timedelta(days=200)).date(), "10:00"
    )
    calendar = icalendar.Calendar.from_ical(anon_client.get(_feed_url(feed)).content)
    assert f"session-{long_ago.pk}@127.0.0.1" not in {
        str(e["UID"]) for e in calendar.walk("VEVENT")
    }
