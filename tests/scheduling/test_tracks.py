"""Group pages: the list, members, enrolling and leaving, changing the pattern."""

from datetime import date, time, timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse

from accounts.models import AuditEvent
from scheduling import clinictime
from scheduling.models import Track, TrackEnrollment
from scheduling.services import enroll_patient, generate_track_sessions
from tests.factories import AdmissionFactory, RoomFactory, program, session_type

TRACKS = reverse("scheduling:track-list")


def test_every_staff_role_sees_the_groups(intake_client, counselor_client, director_client, track):
    for client in (intake_client, counselor_client, director_client):
        html = client.get(TRACKS).content.decode()
        assert "IOP Morning" in html and "Mon, Wed, Fri, 9:00 AM – 12:00 PM" in html


def test_only_directors_may_change_groups(intake_client, counselor_client, track):
    for client in (intake_client, counselor_client):
        assert client.get(reverse("scheduling:track-edit", args=[track.pk])).status_code == 403
        assert client.get(reverse("scheduling:track-create")).status_code == 403


def test_intake_enrolls_a_patient(intake_client, track, patient):
    url = reverse("scheduling:enroll", args=[track.pk])
    today = clinictime.today()
    response = intake_client.post(url, {"patient": patient.pk, "joined": today.isoformat()})
    assert response.status_code == 302
    assert TrackEnrollment.objects.filter(track=track, patient=patient, joined=today).exists()
    assert AuditEvent.objects.filter(
        action="change", patient_uuid=patient.uuid, detail="enrolled"
    ).exists()


def test_a_full_group_refuses_with_a_message_next_to_the_form(intake_client, track, patient):
    track.capacity = 1
    track.save()
    today = clinictime.today()
    enroll_patient(track=track, patient=AdmissionFactory().patient, joined=today)
    response = intake_client.post(
        reverse("scheduling:enroll", args=[track.pk]),
        {"patient": patient.pk, "joined": today.isoformat()},
    )
    assert response.status_code == 400
    assert "IOP Morning is full on" in response.content.decode()
    assert not TrackEnrollment.objects.filter(patient=patient).exists()


def test_counselors_may_not_enroll(counselor_client, track, patient):
    response = counselor_client.post(
        reverse("scheduling:enroll", args=[track.pk]),
        {"patient": patient.pk, "joined": "2026-03-02"},
    )
    assert response.status_code == 403


def test_ending_an_enrollment_asks_for_a_reason_then_a_confirmation(intake_client, track, patient):
    today = clinictime.today()
    enrollment, _ = enroll_patient(track=track, patient=patient, joined=today - timedelta(days=14))
    url = reverse("scheduling:end-enrollment", args=[track.pk, enrollment.pk])
    assert "End enrollment" in intake_client.get(track.get_absolute_url()).content.decode()
    reason = "Stepping down to outpatient care next week."
    response = intake_client.post(url, {"last_day": today.isoformat(), "reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = intake_client.post(url, {"last_day": today.isoformat(), "reason": reason})
    html = response.content.decode()
    assert response.status_code == 200 and "Please confirm" in html
    assert f"Last day in the group: <strong>{date_filter(today)}</strong>" in html
    enrollment.refresh_from_db()
    assert enrollment.left is None  # nothing changes before the confirmation
    response = intake_client.post(
        url, {"last_day": today.isoformat(), "reason": reason, "confirmed": "on"}
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.left == today + timedelta(days=1)  # the form asks for the last day in
    assert enrollment.end_reason == reason
    assert reason in intake_client.get(track.get_absolute_url()).content.decode()


def test_members_are_shown_to_the_leader_and_audited(counselor_client, counselor, track, patient):
    other = AdmissionFactory().patient
    for p in (patient, other):
        enroll_patient(track=track, patient=p, joined=clinictime.today())
    html = counselor_client.get(track.get_absolute_url()).content.decode()
    assert patient.display_name in html and other.display_name in html
    assert AuditEvent.objects.filter(action="view", object_type="scheduling.Track").count() == 2


def test_another_counselor_sees_only_their_own_patients_in_a_group(
    other_counselor_client, other_counselor, track, patient
):
    theirs = AdmissionFactory(primary_counselor=other_counselor).patient
    for p in (patient, theirs):
        enroll_patient(track=track, patient=p, joined=clinictime.today())
    html = other_counselor_client.get(track.get_absolute_url()).content.decode()
    assert theirs.display_name in html and patient.display_name not in html
    assert "1 more enrollment of patients not on your caseload." in html


def test_a_director_creates_a_group_and_its_first_weeks(director_client, counselor):
    room = RoomFactory(name="Group Room C")
    data = {
        "name": "OP Wednesday Group",
        "program": program("OP").pk,
        "session_type": session_type("relapse-prevention").pk,
        "weekdays": ["2"],
        "start_time": "17:00",
        "length_minutes": "90",
        "room": room.pk,
        "lead_counselor": counselor.pk,
        "co_facilitator": "",
        "capacity": "10",
        "first_date": clinictime.today().isoformat(),
        "last_date": "",
    }
    response = director_client.post(reverse("scheduling:track-create"), data)
    track = Track.objects.get(name="OP Wednesday Group")
    assert response.status_code == 302 and response["Location"] == track.get_absolute_url()
    assert track.weekdays == [2]
    assert track.sessions.count() == 4  # 28 days hold four of every weekday


def test_changing_the_pattern_through_the_form(director_client, track, frozen_now):
    # a Sunday night: the form must redo the sessions from the same "today" as the test
    frozen_now(clinictime.local_to_utc(date(2026, 3, 8), time(23, 59, 50)))
    today = clinictime.today()
    generate_track_sessions(track=track, start=today, end=today + timedelta(days=14))
    data = {
        "name": track.name,
        "program": track.program.pk,
        "session_type": track.session_type.pk,
        "weekdays": ["1", "3"],
        "start_time": "10:00",
        "length_minutes": "180",
        "room": track.room.pk,
        "lead_counselor": track.lead_counselor.pk,
        "co_facilitator": "",
        "capacity": "12",
        "first_date": track.first_date.isoformat(),
        "last_date": "",
    }
    response = director_client.post(reverse("scheduling:track-edit", args=[track.pk]), data)
    assert response.status_code == 302
    tomorrow = today + timedelta(days=1)
    future = track.sessions.filter(occurrence_date__gte=tomorrow)
    assert {s.occurrence_date.weekday() for s in future} <= {1, 3}


def test_the_same_co_facilitator_as_lead_is_refused(director_client, track):
    data = {
        "name": track.name,
        "program": track.program.pk,
        "session_type": track.session_type.pk,
        "weekdays": ["0"],
        "start_time": "09:00",
        "length_minutes": "180",
        "room": track.room.pk,
        "lead_counselor": track.lead_counselor.pk,
        "co_facilitator": track.lead_counselor.pk,
        "capacity": "12",
        "first_date": date(2026, 1, 5).isoformat(),
        "last_date": "",
    }
    response = director_client.post(reverse("scheduling:track-edit", args=[track.pk]), data)
    assert response.status_code == 200
    assert "Choose someone other than the lead counselor." in response.content.decode()


def test_capacity_cannot_drop_below_who_is_enrolled(director_client, track):
    today = clinictime.today()
    for _ in range(3):
        enroll_patient(track=track, patient=AdmissionFactory().patient, joined=today)
    data = {
        "name": track.name,
        "program": track.program.pk,
        "session_type": track.session_type.pk,
        "weekdays": ["0", "2", "4"],
        "start_time": "09:00",
        "length_minutes": "180",
        "room": track.room.pk,
        "lead_counselor": track.lead_counselor.pk,
        "co_facilitator": "",
        "capacity": "2",
        "first_date": track.first_date.isoformat(),
        "last_date": "",
    }
    response = director_client.post(reverse("scheduling:track-edit", args=[track.pk]), data)
    assert "3 patients are enrolled on some coming day" in response.content.decode()
    track.refresh_from_db()
    assert track.capacity == 12


@pytest.mark.parametrize(
    ("first", "last", "error"),
    [
        (-366, None, "The first meeting can&#x27;t be before"),
        (-365, None, ""),
        (365, None, ""),
        (366, None, "The first meeting can&#x27;t be after"),
        (0, 730, ""),
        (0, 731, "The last meeting can&#x27;t be after"),
        (10, 9, "The last meeting can&#x27;t be before"),
    ],
)
def test_a_new_groups_dates_are_plausible(
    director_client, counselor, frozen_now, first, last, error
):
    frozen_now(clinictime.local_to_utc(date(2026, 3, 4), time(8, 0)))
    today = clinictime.today()
    data = {
        "name": "OP Wednesday Group",
        "program": program("OP").pk,
        "session_type": session_type("relapse-prevention").pk,
        "weekdays": ["2"],
        "start_time": "17:00",
        "length_minutes": "90",
        "room": RoomFactory(name="Group Room C").pk,
        "lead_counselor": counselor.pk,
        "co_facilitator": "",
        "capacity": "10",
        "first_date": (today + timedelta(days=first)).isoformat(),
        "last_date": "" if last is None else (today + timedelta(days=last)).isoformat(),
    }
    response = director_client.post(reverse("scheduling:track-create"), data)
    if error:
        assert response.status_code == 200 and error in response.content.decode()
        assert not Track.objects.filter(name="OP Wednesday Group").exists()
    else:
        assert response.status_code == 302
