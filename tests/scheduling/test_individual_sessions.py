"""Individual sessions: book, move, cancel; the loser of a clash sees what is in the way."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from scheduling.models import Attendee, Session
from tests.factories import AdmissionFactory, RoomFactory
from tests.scheduling.conftest import at, book

BOOK = reverse("scheduling:book-individual")


@pytest.fixture(autouse=True)
def _monday_before(frozen_now):
    """The bookings below (Tue 1 Dec 2026 and on) are in the coming days."""
    frozen_now(at(date(2026, 11, 30), "08:00"))


def _form(patient, counselor, room, individual, day="2026-12-01", start="10:00", minutes=""):
    return {
        "patient": patient.pk,
        "counselor": counselor.pk,
        "session_type": individual.pk,
        "room": room.pk,
        "date": day,
        "start_time": start,
        "minutes": minutes,
    }


def test_a_counselor_books_for_a_patient_on_their_caseload(
    counselor_client, counselor, patient, room, individual
):
    response = counselor_client.post(BOOK, _form(patient, counselor, room, individual))
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert (
        session.start == at(date(2026, 12, 1), "10:00") and session.minutes == 50
    )  # type's length
    assert list(session.counselors.all()) == [counselor]
    assert session.attendees.get().patient == patient
    assert AuditEvent.objects.filter(action="create", patient_uuid=patient.uuid).exists()


def test_the_form_offers_a_counselor_only_their_patients_and_themselves(
    counselor_client, counselor, other_counselor, patient
):
    stranger = AdmissionFactory(primary_counselor=other_counselor).patient
    html = counselor_client.get(BOOK).content.decode()
    assert patient.display_name in html and stranger.display_name not in html
    assert other_counselor.get_full_name() not in html


def test_a_counselor_cannot_book_someone_elses_patient(
    counselor_client, counselor, other_counselor, room, individual
):
    stranger = AdmissionFactory(primary_counselor=other_counselor).patient
    response = counselor_client.post(BOOK, _form(stranger, counselor, room, individual))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Session.objects.exists()


def test_intake_books_for_any_counselor(intake_client, other_counselor, patient, room, individual):
    response = intake_client.post(
        BOOK, _form(patient, other_counselor, room, individual, minutes="30")
    )
    assert response.status_code == 302
    assert Session.objects.get().minutes == 30


def test_a_clash_names_the_session_in_the_way_and_keeps_the_input(
    counselor_client, counselor, other_counselor, patient, room, individual
):
    book(AdmissionFactory().patient, other_counselor, room, date(2026, 12, 1), "10:00", 60)
    response = counselor_client.post(
        BOOK, _form(patient, counselor, room, individual, start="10:30")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Counseling Room 1 is already booked for Individual counseling, "
        "Tue, Dec 1, 2026, 10:00 AM – 11:00 AM" in html
    )
    assert 'value="10:30"' in html
    assert Session.objects.count() == 1


def test_the_hour_skipped_by_daylight_saving_is_refused(
    counselor_client, counselor, patient, room, individual
):
    response = counselor_client.post(
        BOOK, _form(patient, counselor, room, individual, day="2027-03-14", start="02:30")
    )
    assert "That time does not exist on that day" in response.content.decode()
    assert not Session.objects.exists()


def test_reschedule_moves_the_session(counselor_client, counselor, patient, room):
    session = book(patient, counselor, room, date(2026, 12, 1), "10:00")
    other_room = RoomFactory(name="Counseling Room 2")
    url = reverse("scheduling:reschedule-session", args=[session.pk])
    assert 'value="2026-12-01"' in counselor_client.get(url).content.decode()
    response = counselor_client.post(
        url, {"date": "2026-12-02", "start_time": "15:00", "minutes": "60", "room": other_room.pk}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.start, session.minutes, session.room) == (
        at(date(2026, 12, 2), "15:00"),
        60,
        other_room,
    )
    assert Attendee.objects.get(session=session).start == session.start


def test_reschedule_into_a_clash_explains_and_changes_nothing(
    counselor_client, counselor, patient, room
):
    first = book(patient, counselor, room, date(2026, 12, 1), "10:00")
    second = book(patient, counselor, room, date(2026, 12, 1), "13:00")
    url = reverse("scheduling:reschedule-session", args=[second.pk])
    response = counselor_client.post(
        url, {"date": "2026-12-01", "start_time": "10:15", "minutes": "50", "room": room.pk}
    )
    assert response.status_code == 200
    assert first.describe() in response.content.decode()
    second.refresh_from_db()
    assert second.start == at(date(2026, 12, 1), "13:00")


def test_cancel_needs_a_reason(counselor_client, counselor, patient, room):
    session = book(patient, counselor, room, date(2026, 12, 1), "10:00")
    url = reverse("scheduling:cancel-session", args=[session.pk])
    response = counselor_client.post(url, {"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = counselor_client.post(url, {"reason": "Counselor out sick"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Counselor out sick"
    assert not Attendee.objects.get(session=session).active


def test_an_unrelated_counselor_cannot_move_or_cancel(
    other_counselor_client, counselor, patient, room
):
    session = book(patient, counselor, room, date(2026, 12, 1), "10:00")
    for name in ("reschedule-session", "cancel-session"):
        assert (
            other_counselor_client.get(reverse(f"scheduling:{name}", args=[session.pk])).status_code
            == 404
        )


def test_a_counselor_who_only_sees_the_patient_cannot_move_it(
    other_counselor_client, counselor, other_counselor, room
):
    patient = AdmissionFactory(primary_counselor=other_counselor).patient
    session = book(patient, counselor, room, date(2026, 12, 1), "10:00")
    assert other_counselor_client.get(session.get_absolute_url()).status_code == 200
    url = reverse("scheduling:cancel-session", args=[session.pk])
    assert other_counselor_client.post(url, {"reason": "x"}).status_code == 403
    session.refresh_from_db()
    assert not session.is_cancelled


@pytest.mark.django_db(transaction=True)
def test_two_staff_booking_the_same_slot_at_once_one_wins(
    counselor, other_counselor, room, individual
):
    """Two requests on two database connections, released together by a barrier."""
    patients = [AdmissionFactory(primary_counselor=c).patient for c in (counselor, other_counselor)]
    barrier = threading.Barrier(2)
    results: dict[int, object] = {}

    def attempt(index, user, patient):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            results[index] = client.post(
                BOOK, _form(patient, user, room, individual, start="11:00")
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            results[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(n, user, patient))
        for n, (user, patient) in enumerate(
            zip((counselor, other_counselor), patients, strict=True)
        )
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 302], results
    loser = next(r for r in results.values() if r.status_code == 200)
    assert "Counseling Room 1 is already booked for Individual counseling" in loser.content.decode()
    assert Session.objects.count() == 1


# ---------------------------------------------------------------- unusual times


@pytest.mark.parametrize(
    ("day", "start", "minutes", "warning"),
    [
        ("2026-12-01", "06:30", "50", "outside the clinic&#x27;s opening hours"),  # before 7
        ("2026-12-01", "20:30", "50", "outside the clinic&#x27;s opening hours"),  # past 9 PM
        ("2026-12-06", "10:00", "50", "outside the clinic&#x27;s opening hours"),  # a Sunday
        ("2026-11-27", "10:00", "50", "starts in the past"),
    ],
)
def test_an_unusual_time_asks_for_a_tick_and_keeps_the_input(
    counselor_client, counselor, patient, room, individual, day, start, minutes, warning
):
    data = _form(patient, counselor, room, individual, day=day, start=start, minutes=minutes)
    response = counselor_client.post(BOOK, data)
    html = response.content.decode()
    assert response.status_code == 200 and warning in html
    assert 'name="confirm"' in html and 'type="checkbox"' in html
    assert f'value="{start}"' in html and f'value="{day}"' in html
    assert not Session.objects.exists()
    response = counselor_client.post(BOOK, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert Session.objects.count() == 1


@pytest.mark.parametrize(("start", "minutes"), [("07:00", "50"), ("20:00", "60")])
def test_the_opening_hours_edges_need_no_tick(
    counselor_client, counselor, patient, room, individual, start, minutes
):
    data = _form(patient, counselor, room, individual, start=start, minutes=minutes)
    assert counselor_client.post(BOOK, data).status_code == 302


def test_a_usual_time_shows_no_tick_box(counselor_client):
    html = counselor_client.get(BOOK).content.decode()
    assert 'type="checkbox"' not in html
    assert "The clinic is open Mon–Sat, 7:00 AM–9:00 PM." in html


@pytest.mark.parametrize("minutes", ["4", "481", "-5"])
def test_length_limits_are_said_in_words(
    counselor_client, counselor, patient, room, individual, minutes
):
    data = _form(patient, counselor, room, individual, minutes=minutes)
    html = counselor_client.post(BOOK, data).content.decode()
    assert "A session lasts from 5 to 480 minutes (8 hours)." in html
    assert "Ensure this value" not in html
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        ("2026-10-30", "can&#x27;t be before Oct 31, 2026"),  # 31 days back
        ("2026-10-31", ""),
        ("2027-11-30", ""),  # a year ahead
        ("2027-12-01", "can&#x27;t be after Nov 30, 2027"),
    ],
)
def test_the_session_date_boundaries(
    counselor_client, counselor, patient, room, individual, day, refused
):
    data = {**_form(patient, counselor, room, individual, day=day), "confirm": "on"}
    response = counselor_client.post(BOOK, data)
    if refused:
        assert (
            response.status_code == 200
            and f"The session date {refused}" in response.content.decode()
        )
        assert not Session.objects.exists()
    else:
        assert response.status_code == 302


def test_a_move_keeps_to_the_same_date_range(counselor_client, counselor, patient, room):
    session = book(patient, counselor, room, date(2026, 12, 1), "10:00")
    url = reverse("scheduling:reschedule-session", args=[session.pk])
    for day, ok in (("2027-11-30", True), ("2027-12-01", False)):
        response = counselor_client.post(
            url, {"date": day, "start_time": "10:00", "minutes": "50", "room": room.pk}
        )
        assert (response.status_code == 302) is ok
    response = counselor_client.post(
        url, {"date": "2026-12-02", "start_time": "10:00", "minutes": "500", "room": room.pk}
    )
    assert "A session lasts from 5 to 480 minutes (8 hours)." in response.content.decode()
