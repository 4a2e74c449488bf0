"""The week grid: /schedule/ opens the signed-in counselor's week in clinic time."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling import clinictime
from tests.factories import AdmissionFactory, RoomFactory, TrackFactory
from tests.scheduling.conftest import book, group_session

WEEK = reverse("scheduling:week")


def test_schedule_root_opens_the_week(counselor_client):
    response = counselor_client.get("/schedule/?date=2026-03-04")
    assert response.status_code == 302
    assert response["Location"] == f"{WEEK}?date=2026-03-04"
    assert counselor_client.get("/schedule/", follow=True).status_code == 200


def test_anonymous_visitors_go_to_sign_in(anon_client):
    response = anon_client.get(WEEK)
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_counselor_sees_their_own_week(
    counselor_client, counselor, other_counselor, track, patient, room
):
    session = group_session(track, date(2026, 3, 4), [patient])
    other = book(AdmissionFactory().patient, other_counselor, room, date(2026, 3, 4), "14:00")
    response = counselor_client.get(WEEK, {"date": "2026-03-06"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "My week" in html
    assert "Mon, Mar 2 – Sun, Mar 8, 2026" in html
    assert session.get_absolute_url() in html
    assert "9:00 AM – 12:00 PM" in html and "1 patient" in html
    assert other.get_absolute_url() not in html
    # no patient names on the grid
    assert patient.legal_last_name not in html


def test_block_is_placed_by_classes_not_inline_styles(counselor_client, track, patient):
    group_session(track, date(2026, 3, 4), [patient])
    html = counselor_client.get(WEEK, {"date": "2026-03-04"}).content.decode()
    # 08:00 is row 1, so 09:00 is row 5; three hours are 12 quarter-hour rows
    assert "st-group-therapy wk-r5 wk-s12 wk-c1 wk-cs1" in html
    assert "style=" not in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("sunday", "monday"),
    [(date(2026, 3, 8), date(2026, 3, 2)), (date(2026, 11, 1), date(2026, 10, 26))],
    ids=["spring-forward", "fall-back"],
)
def test_daylight_saving_weeks_place_blocks_by_local_time(
    counselor_client, counselor, patient, room, sunday, monday
):
    on_sunday = book(patient, counselor, room, sunday, "09:00", 60)
    on_monday = book(patient, counselor, room, monday, "09:00", 60)
    late_sunday = book(patient, counselor, room, sunday, "23:00", 60)
    next_monday = book(patient, counselor, room, sunday + timedelta(days=1), "00:30", 30)
    html = counselor_client.get(WEEK, {"date": sunday.isoformat()}).content.decode()
    placed = 'class="wk-block st-individual-counseling wk-r5 wk-s4'  # 09:00, one hour
    for session in (on_sunday, on_monday):
        assert f'href="{session.get_absolute_url()}" {placed}' in html
    assert late_sunday.get_absolute_url() in html  # the last hour of a 23- or 25-hour day
    assert next_monday.get_absolute_url() not in html  # already next week
    start, end = clinictime.week_bounds(monday)
    assert (end - start).total_seconds() / 3600 in (167, 169)


def test_today_is_marked(counselor_client, frozen_now):
    # ten seconds before midnight: the page and the test agree on which day is today
    frozen_now(clinictime.local_to_utc(date(2026, 3, 4), time(23, 59, 50)))
    html = counselor_client.get(WEEK).content.decode()
    assert "Mon, Mar 2 – Sun, Mar 8, 2026" in html
    assert html.count('aria-current="date"') == 2  # the day heading and the "This week" link
    badge = '<span class="badge wk-today">Today</span>'
    assert f'Wed {badge}</span> <span class="wk-date">Mar 4' in html


def test_previous_and_next_weeks(counselor_client):
    html = counselor_client.get(WEEK, {"date": "2026-03-04"}).content.decode()
    assert "?date=2026-02-23" in html and "?date=2026-03-09" in html


def test_a_bad_date_shows_a_message_and_this_week(counselor_client):
    response = counselor_client.get(WEEK, {"date": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_counselors_cannot_look_at_someone_elses_week(counselor_client, other_counselor, room):
    other = book(AdmissionFactory().patient, other_counselor, room, date(2026, 3, 4), "14:00")
    html = counselor_client.get(
        WEEK, {"date": "2026-03-04", "show": f"counselor-{other_counselor.pk}"}
    ).content.decode()
    assert other.get_absolute_url() not in html
    assert 'name="show"' not in html


def test_directors_choose_a_counselor_a_room_or_a_program(
    director_client, counselor, other_counselor, track, patient, room
):
    group = group_session(track, date(2026, 3, 4), [patient])
    single = book(AdmissionFactory().patient, other_counselor, room, date(2026, 3, 4), "14:00")
    php = TrackFactory(
        name="PHP Day", program__code="PHP", room=RoomFactory(), lead_counselor=other_counselor
    )
    by_counselor = director_client.get(
        WEEK, {"date": "2026-03-04", "show": f"counselor-{other_counselor.pk}"}
    )
    assert single.get_absolute_url() in by_counselor.content.decode()
    assert group.get_absolute_url() not in by_counselor.content.decode()
    by_room = director_client.get(
        WEEK, {"date": "2026-03-04", "show": f"room-{track.room.pk}"}
    ).content.decode()
    assert group.get_absolute_url() in by_room and single.get_absolute_url() not in by_room
    by_program = director_client.get(
        WEEK, {"date": "2026-03-04", "show": "program-IOP"}
    ).content.decode()
    # the IOP group and the individual session of an IOP patient
    assert group.get_absolute_url() in by_program and single.get_absolute_url() in by_program
    assert php.name not in by_program


def test_intake_staff_see_the_iop_program_by_default(intake_client, track, patient):
    group = group_session(track, date(2026, 3, 4), [patient])
    html = intake_client.get(WEEK, {"date": "2026-03-04"}).content.decode()
    assert "Intensive Outpatient (IOP)" in html
    assert group.get_absolute_url() in html


def test_an_unknown_choice_is_refused_politely(director_client):
    response = director_client.get(WEEK, {"show": "room-999999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def _fill_week(counselor, monday: date, sessions_per_day: int) -> None:
    for offset in range(7):
        for n in range(sessions_per_day):
            patient = AdmissionFactory(primary_counselor=counselor).patient
            book(
                patient,
                counselor,
                RoomFactory(),
                monday + timedelta(days=offset),
                f"{8 + n:02d}:00",
                45,
            )


def test_week_query_count_does_not_grow_with_sessions(counselor_client, director_client, counselor):
    small, large = date(2026, 3, 2), date(2026, 3, 9)
    _fill_week(counselor, small, 1)
    _fill_week(counselor, large, 6)
    for client, show in ((counselor_client, None), (director_client, f"counselor-{counselor.pk}")):
        client.get(WEEK, {"date": "2026-01-05"})  # first request of a session warms caches
        counts = []
        for monday in (small, large):
            params = {"date": monday.isoformat(), **({"show": show} if show else {})}
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(WEEK, params).status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], counts
        assert counts[1] <= 12


def test_a_session_across_sunday_midnight_is_drawn_in_the_week_it_starts(
    counselor_client, counselor, patient, room
):
    sunday = date(2026, 3, 15)
    late = book(patient, counselor, room, sunday, "23:30", 60)  # ends Monday 00:30
    this_week = counselor_client.get(WEEK, {"date": sunday.isoformat()}).content.decode()
    next_week = counselor_client.get(
        WEEK, {"date": (sunday + timedelta(days=1)).isoformat()}
    ).content.decode()
    assert late.get_absolute_url() in this_week
    assert late.get_absolute_url() not in next_week
    assert "No sessions this week." in next_week
    assert "Session types" not in next_week  # nor its type in the legend
