"""Scheduling's safeguards in real Chromium: an enrolment outside the patient's level
needs a reason and shows on the rosters and the caseload; ending an enrolment and
cancelling sessions go through a confirmation with the dates; an unusual booking time
asks for a tick; the caseload names the range that applied. axe and screenshots at
360 px and 1280 px on every page changed."""

from binascii import unhexlify
from datetime import date, time, timedelta

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from scheduling import clinictime
from scheduling.models import Session, TrackEnrollment
from scheduling.services import enroll_patient, generate_track_sessions
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, login
from tests.factories import TEST_PASSWORD, AdmissionFactory, RoomFactory, TrackFactory, program

pytestmark = pytest.mark.django_db(transaction=True)
WHY = "Stepping down from PHP next week: joins the evening group early."


def _both_widths(page, shoot, name: str) -> None:
    for width, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        assert_accessible(page)
        shoot(page, f"scheduling-{name}-{width}")
    page.set_viewport_size(DESKTOP)


def _admitted(code: str, counselor, first: str, last: str, born: date | None = None):
    extra = {"patient__date_of_birth": born} if born else {}
    return AdmissionFactory(
        program=program(code),
        primary_counselor=counselor,
        start_date=clinictime.today() - timedelta(days=20),
        patient__legal_first_name=first,
        patient__legal_last_name=last,
        **extra,
    ).patient


def test_enrolling_by_exception_and_ending_it(page, live_server, intake_user, counselor, shoot):
    today = clinictime.today()
    track = TrackFactory(
        name="IOP Evening",
        weekdays=[0, 1, 3],
        start_time=time(18, 0),
        lead_counselor=counselor,
        room=RoomFactory(name="Group Room B"),
        first_date=today - timedelta(days=28),
    )
    php = _admitted("PHP", counselor, "Darnell", "Brooks")
    teen = _admitted(
        "IOP", counselor, "Tobias", "Lindqvist", born=today.replace(year=today.year - 16)
    )
    enroll_patient(track=track, patient=teen, joined=today - timedelta(days=7))
    generate_track_sessions(track=track, start=today, end=today + timedelta(days=14))

    page.set_viewport_size(DESKTOP)
    login(page, live_server, "intake_worker", TEST_PASSWORD)
    page.goto(f"{live_server.url}{track.get_absolute_url()}")
    page.get_by_role("combobox", name="Patient").select_option(
        label=f"{php.display_name} ({php.mrn})"
    )
    page.get_by_role("button", name="Enroll").click()
    # next to the field, and as a link in the error summary above the form
    expect(
        page.locator(".invalid-feedback").get_by_text("give the reason for this exception")
    ).to_be_visible()
    expect(
        page.locator("#error-summary").get_by_text("give the reason for this exception")
    ).to_be_visible()
    page.get_by_label("Reason for an exception").fill(WHY)
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("as an exception to their care")).to_be_visible()
    expect(page.get_by_text(WHY)).to_be_visible()
    _both_widths(page, shoot, "track-with-exception")

    page.get_by_role("link", name=f"End enrollment of {php.display_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("End an enrollment in IOP Evening")
    _both_widths(page, shoot, "end-enrollment")
    page.get_by_label("Reason for leaving the group").fill(
        "Stepped down to IOP; joins the morning group."
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Please confirm")).to_be_visible()
    _both_widths(page, shoot, "end-enrollment-confirm")
    assert TrackEnrollment.objects.get(patient=php).left is None
    page.get_by_role("button", name="Yes, end the enrollment").click()
    expect(page.get_by_text("Enrollment ended.")).to_be_visible()
    assert TrackEnrollment.objects.get(patient=php).left == today + timedelta(days=1)

    session = track.sessions.order_by("start").first()
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_role("link", name="Cancel session").click()
    _both_widths(page, shoot, "cancel-session")
    page.get_by_label("Reason for cancelling").fill("Counselor away at a training day.")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_text("Counselor away at a training day.")).to_be_visible()
    _both_widths(page, shoot, "cancelled-session")

    page.goto(f"{live_server.url}/schedule/individual/new/")
    page.get_by_role("combobox", name="Patient").select_option(
        label=f"{teen.display_name} ({teen.mrn})"
    )
    page.get_by_role("combobox", name="Counselor").select_option(label=counselor.get_full_name())
    page.get_by_role("combobox", name="Room").select_option(label="Group Room B")
    sunday = clinictime.monday_of(today) + timedelta(days=13)
    page.get_by_label("Date").fill(sunday.isoformat())
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_role("button", name="Book the session").click()
    expect(
        page.locator("#error-summary").get_by_text("outside the clinic's opening hours")
    ).to_be_visible()
    _both_widths(page, shoot, "individual-unusual-time")
    page.get_by_label("Yes, book it at this date and time").check()
    page.get_by_role("button", name="Book the session").click()
    expect(page.get_by_text("booked.")).to_be_visible()
    assert Session.objects.filter(track=None).count() == 1


def test_the_caseload_says_which_range_applied(page, live_server, counselor, shoot):
    _admitted("IOP", counselor, "Tobias", "Lindqvist", born=date(2010, 5, 9))
    _admitted("IOP", counselor, "Alma", "Quintero", born=date(1986, 4, 2))
    login(page, live_server, "counselor_one", TEST_PASSWORD)
    page.goto(f"{live_server.url}/schedule/caseload/")
    expect(page.get_by_role("cell", name="adolescent range 6-19 h")).to_be_visible()
    expect(page.get_by_role("cell", name="adult range 9-19 h")).to_be_visible()
    _both_widths(page, shoot, "caseload-ranges")


def test_a_director_cancels_a_groups_coming_sessions(page, live_server, director, counselor, shoot):
    today = clinictime.today()
    track = TrackFactory(
        name="IOP Morning", lead_counselor=counselor, first_date=today - timedelta(days=28)
    )
    generate_track_sessions(track=track, start=today, end=today + timedelta(days=21))
    login(page, live_server, "director", TEST_PASSWORD)
    device = TOTPDevice.objects.get(user=director)
    page.get_by_label("Code").fill(f"{TOTP(unhexlify(device.key)).token():06d}")
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server.url}{track.get_absolute_url()}")
    page.get_by_role("link", name="Cancel the coming sessions").click()
    start = today + timedelta(days=7)
    page.get_by_label("Cancel the sessions from").fill(start.isoformat())
    page.get_by_label("Reason for cancelling").fill("The group merges into the evening group.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Please confirm")).to_be_visible()
    _both_widths(page, shoot, "cancel-series-confirm")
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_text("The group merges into the evening group.")).to_be_visible()
    _both_widths(page, shoot, "track-series-cancelled")
    assert (
        track.sessions.filter(status=Session.Status.CANCELLED, occurrence_date__lt=start).count()
        == 0
    )
    assert track.sessions.filter(status=Session.Status.CANCELLED).exists()
