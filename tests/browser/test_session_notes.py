"""Session notes in real Chromium: a counselor takes attendance for an IOP group, writes
the group note with individual parts that address plan objectives, signs them all, and
each note is in the patient's chart; then a counselor not yet licensed signs a note, it
waits in the co-sign queue, and the director co-signs it. axe on every page."""

import re
from binascii import unhexlify
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.roles import COUNSELOR
from notes import services as notes_services
from scheduling import clinictime
from scheduling.services import enroll_patient, generate_track_sessions, mark_all_present
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, login
from tests.browser.test_phone_layout import PAGE_WIDER_THAN_SCREEN, WIDE_ELEMENTS
from tests.factories import (
    TEST_PASSWORD,
    AdmissionFactory,
    PatientFactory,
    RoomFactory,
    TrackFactory,
    UserFactory,
)
from tests.notes.test_golden_thread import signed_plan
from tests.scheduling.conftest import book

pytestmark = pytest.mark.django_db(transaction=True)

PARTS = {
    "Alma": ("Talked about the argument at home and stayed sober.", "Refusal skills used."),
    "Brendan": ("Arrived late after a bus delay; spoke in the second hour.", "Ambivalent."),
    "Camila": ("Brought the urge log with four entries and read two.", "Confidence growing."),
}


def _started_a_while_ago() -> datetime:
    now = clinictime.local(timezone.now())
    start = now - timedelta(minutes=30)
    if start.date() != now.date():
        start = now.replace(hour=0, minute=0)
    return start.replace(minute=start.minute - start.minute % 15, second=0, microsecond=0)


def _counselor(username: str, first: str, last: str):
    user = UserFactory(username=username, first_name=first, last_name=last)
    user.groups.add(Group.objects.get(name=COUNSELOR))
    return user


@pytest.fixture
def clinic(director):
    marcus = _counselor("marcus", "Marcus", "Hale")
    jordan = _counselor("jordan", "Jordan", "Reyes")
    notes_services.set_licensed(user=jordan, licensed=False, by=director)
    start = _started_a_while_ago()
    today = start.date()
    track = TrackFactory(
        name="IOP Afternoon",
        weekdays=[today.weekday()],
        start_time=start.time(),
        length_minutes=60,
        lead_counselor=marcus,
        room=RoomFactory(name="Group Room A"),
        first_date=today - timedelta(days=7),
    )
    patients = []
    for first, last in (("Alma", "Quintero"), ("Brendan", "Foley"), ("Camila", "Ruiz")):
        patient = AdmissionFactory(
            primary_counselor=marcus,
            start_date=today - timedelta(days=20),
            patient=PatientFactory(legal_first_name=first, legal_last_name=last, active=True),
        ).patient
        signed_plan(patient, marcus, texts=(f"{first} names three triggers", "Sleep 7 hours"))
        enroll_patient(track=track, patient=patient, joined=today - timedelta(days=7), today=today)
        patients.append(patient)
    generate_track_sessions(track=track, start=today, end=today + timedelta(days=1))
    # yesterday, Jordan saw Alma alone; attendance taken, the note not yet written
    solo = book(
        patients[0], jordan, RoomFactory(name="Counseling Room 1"), today - timedelta(1), "10:00"
    )
    mark_all_present(session=solo, by=jordan)
    return {"patients": patients, "session": track.sessions.get(), "solo": solo}


def _write_part(page, first_name: str) -> None:
    part = page.get_by_role("region", name=re.compile(first_name))
    data, assessment = PARTS[first_name]
    part.get_by_label("Data").fill(data)
    part.get_by_label("Assessment").fill(assessment)
    part.get_by_label("Plan", exact=True).fill(f"{first_name}: urge log daily, group on Friday.")
    part.get_by_label(re.compile(f"{first_name} names three triggers")).check()
    part.get_by_role("button", name=re.compile("Save draft")).click()
    expect(
        page.get_by_text(re.compile(f"Note for {first_name} .* saved as a draft"))
    ).to_be_visible()


def test_a_counselor_writes_and_signs_a_group_note(page, live_server, shoot, clinic):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "marcus", TEST_PASSWORD)
    page.get_by_role("link", name="My week").first.click()
    page.get_by_role("link", name=re.compile("IOP Afternoon")).click()
    page.get_by_role("button", name="All present").click()
    expect(page.get_by_text("Attendance saved for 3 patients.")).to_be_visible()
    page.get_by_role("link", name="Write the note").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session note")
    assert_accessible(page)
    shoot(page, "notes-group-empty")

    page.get_by_label("Topic").fill("Relapse triggers")
    page.get_by_label("What the group did").fill("Mapped triggers in pairs, then shared.")
    page.get_by_role("button", name="Save shared part").click()
    expect(page.get_by_text("Shared part saved.")).to_be_visible()
    for first in PARTS:
        _write_part(page, first)
    assert_accessible(page)
    shoot(page, "notes-group-drafts")
    page.set_viewport_size(PHONE)
    shoot(page, "notes-group-drafts-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Sign all drafts").click()
    expect(page.get_by_text("3 notes signed.")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Plan objectives addressed: Alma names three"))
    ).to_be_visible()
    assert_accessible(page)
    shoot(page, "notes-group-signed")

    for patient in clinic["patients"]:
        page.goto(f"{live_server.url}{patient.get_absolute_url()}")
        page.get_by_role("link", name="Session notes").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Session notes")
        expect(page.get_by_text(PARTS[patient.legal_first_name][0])).to_be_visible()
        other = next(p for p in PARTS if p != patient.legal_first_name)
        expect(page.get_by_text(PARTS[other][0])).to_have_count(0)  # only this patient's part
        page.goto(f"{live_server.url}/treatment/patients/{patient.uuid}/chart/")
        expect(page.get_by_text("Session note: IOP Afternoon: Group therapy")).to_be_visible()
    assert_accessible(page)
    shoot(page, "notes-patient-chart")
    page.get_by_role("link", name=re.compile("Session note: IOP Afternoon")).click()
    page.get_by_label("Addendum").fill("Correction: Camila read three entries, not two.")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_text("Addendum added.")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    shoot(page, "notes-note-detail-phone")


def _sign_in_director(page, live_server, director) -> None:
    login(page, live_server, "director", TEST_PASSWORD)
    device = TOTPDevice.objects.get(user=director)
    page.get_by_label("Code").fill(f"{TOTP(unhexlify(device.key)).token():06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_an_unlicensed_counselors_note_is_cosigned_by_the_director(
    page, live_server, shoot, clinic, director
):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "jordan", TEST_PASSWORD)
    page.goto(f"{live_server.url}{clinic['solo'].get_absolute_url()}")
    page.get_by_role("link", name="Write the note").click()
    page.get_by_label("Topic").fill("Individual check-in")
    page.get_by_label("What the session covered").fill("One-to-one review of the week.")
    page.get_by_role("button", name="Save shared part").click()
    part = page.get_by_role("region", name=re.compile("Alma"))
    part.get_by_label("Data").fill("Calm, reviewed the urge log together.")
    part.get_by_label("Assessment").fill("Steady progress on the triggers objective.")
    part.get_by_label("Plan", exact=True).fill("Keep the log; group on Friday.")
    part.get_by_label(re.compile("Alma names three triggers")).check()
    part.get_by_role("button", name=re.compile("^Sign")).click()
    expect(page.get_by_text(re.compile("Note for Alma .* signed"))).to_be_visible()
    expect(page.get_by_text("Waiting for co-signature")).to_be_visible()
    nav = page.get_by_role("navigation", name="Staff")
    nav.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_text("Waiting for co-signature:")).to_be_visible()
    assert_accessible(page)
    shoot(page, "notes-home-waiting")
    page.get_by_role("button", name="Sign out").click()

    _sign_in_director(page, live_server, director)
    expect(page.get_by_text(re.compile("1 note by counselors not yet licensed"))).to_be_visible()
    page.get_by_role("link", name="Co-sign queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notes to co-sign")
    assert_accessible(page)
    shoot(page, "notes-cosign-queue")
    page.set_viewport_size(PHONE)
    shoot(page, "notes-cosign-queue-phone")
    # the queue's table scrolls inside its own focusable box, never the page
    assert page.evaluate(PAGE_WIDER_THAN_SCREEN) <= 0, page.evaluate(WIDE_ELEMENTS)
    box = page.get_by_role("region", name="Notes waiting for co-signature table")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    assert box.get_attribute("tabindex") == "0"  # reachable by keyboard to scroll it
    assert box.evaluate("el => { el.scrollLeft = 80; return el.scrollLeft; }") > 0
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name=re.compile("Read and co-sign")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Co-sign this note").click()
    expect(page.get_by_text(re.compile("Note for Alma .* co-signed"))).to_be_visible()
    expect(page.get_by_text(re.compile("Co-signed .* by"))).to_be_visible()
    shoot(page, "notes-cosigned")

    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Licensure").click()
    expect(
        page.get_by_role("row", name=re.compile("Jordan Reyes Not yet licensed"))
    ).to_be_visible()
    assert_accessible(page)
    shoot(page, "notes-licensure")
