"""A counselor's day in real Chromium: the week, a group session, attendance, caseload hours."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import COUNSELOR
from scheduling import clinictime
from scheduling.services import enroll_patient, generate_track_sessions
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    login,
)
from tests.factories import (
    TEST_PASSWORD,
    AdmissionFactory,
    PatientFactory,
    RoomFactory,
    TrackFactory,
    UserFactory,
)
from tests.scheduling.conftest import at, book

pytestmark = pytest.mark.django_db(transaction=True)
TABLET = {"width": 768, "height": 1024}


def _started_a_while_ago() -> datetime:
    """A quarter-hour start, up to 30 minutes ago, today in clinic time."""
    now = clinictime.local(timezone.now())
    start = now - timedelta(minutes=30)
    if start.date() != now.date():
        start = now.replace(hour=0, minute=0)
    return start.replace(minute=start.minute - start.minute % 15, second=0, microsecond=0)


@pytest.fixture
def clinic():
    """A counselor with a group that started a few minutes ago and some individual sessions."""
    counselor = UserFactory(username="marcus", first_name="Marcus", last_name="Hale")
    counselor.groups.add(Group.objects.get(name=COUNSELOR))
    start = _started_a_while_ago()
    today = start.date()
    track = TrackFactory(
        name="IOP Afternoon",
        weekdays=[today.weekday()],
        start_time=start.time(),
        length_minutes=60,
        lead_counselor=counselor,
        room=RoomFactory(name="Group Room A"),
        first_date=today - timedelta(days=7),
    )
    names = [("Alma", "Quintero"), ("Brendan", "Foley"), ("Camila", "Ruiz")]
    patients = [
        AdmissionFactory(
            primary_counselor=counselor,
            start_date=today - timedelta(days=20),
            patient=PatientFactory(legal_first_name=first, legal_last_name=last, active=True),
        ).patient
        for first, last in names
    ]
    for patient in patients:
        enroll_patient(track=track, patient=patient, joined=today - timedelta(days=7), today=today)
    generate_track_sessions(track=track, start=today, end=today + timedelta(days=1))
    monday = clinictime.monday_of(today)
    office = RoomFactory(name="Counseling Room 1")
    for offset, patient in zip((0, 2, 4), patients, strict=True):
        day = monday + timedelta(days=offset)
        if day != today:
            book(patient, counselor, office, day, "07:30" if offset == 4 else "13:00")
    return {"counselor": counselor, "patients": patients, "track": track, "today": today}


def _attended(page, name: str):
    row = page.get_by_role("row").filter(has_text=name)
    return row.get_by_test_id("attended-hours")


def test_a_counselor_marks_attendance_and_sees_weekly_hours_change(
    page, live_server, shoot, clinic
):
    alma, brendan, _ = clinic["patients"]
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "marcus", TEST_PASSWORD)

    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload hours")
    expect(_attended(page, alma.display_name)).to_have_text("0.0")
    assert_accessible(page)
    shoot(page, "scheduling-caseload-before")

    page.get_by_role("link", name="My week").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My week")
    today_heading = page.locator('h2[aria-current="date"]')
    expect(today_heading).to_contain_text("Today")
    group = page.get_by_role("link", name=re.compile(r"IOP Afternoon"))
    expect(group).to_contain_text("Group Room A")
    expect(group).to_contain_text("3 patients")
    assert_accessible(page)
    shoot(page, "scheduling-week")

    group.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IOP Afternoon: Group therapy")
    assert_accessible(page)
    shoot(page, "scheduling-session-before")

    alma_row = page.get_by_role("group", name=re.compile(alma.display_name))
    alma_row.get_by_label("Present", exact=True).check()
    brendan_row = page.get_by_role("group", name=re.compile(brendan.display_name))
    brendan_row.get_by_label("Late", exact=True).check()
    brendan_row.get_by_label(re.compile("Minutes attended")).fill("500")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Minutes attended must be between 1 and 59.")).to_be_visible()
    expect(brendan_row.get_by_label("Late", exact=True)).to_be_checked()  # kept what was typed
    assert_accessible(page)
    shoot(page, "scheduling-session-error")

    brendan_row.get_by_label(re.compile("Minutes attended")).fill("40")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved for 2 patients.")).to_be_visible()
    page.get_by_role("button", name="All present").click()
    expect(page.get_by_text("Attendance saved for 1 patient.")).to_be_visible()
    expect(page.get_by_role("button", name="All present")).to_have_count(0)
    shoot(page, "scheduling-session-marked")

    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Caseload").click()
    expect(_attended(page, alma.display_name)).to_have_text("1.0")
    expect(_attended(page, brendan.display_name)).to_have_text("0.7")
    shoot(page, "scheduling-caseload-after")


def test_week_on_a_tablet_a_phone_and_paper(page, live_server, shoot, clinic):
    login(page, live_server, "marcus", TEST_PASSWORD)
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/schedule/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My week")
    # the seven days fit a tablet held upright, without sideways scrolling
    assert (
        page.evaluate(
            "(() => { const s = document.querySelector('.wk-scroll');"
            " return s.scrollWidth - s.clientWidth; })()"
        )
        <= 0
    )
    assert_no_horizontal_scroll(page)
    shoot(page, "scheduling-week-tablet")

    page.set_viewport_size(PHONE)
    page.reload()
    assert_no_horizontal_scroll(page)  # the grid scrolls inside its own region
    assert_accessible(page)
    shoot(page, "scheduling-week-phone")

    page.set_viewport_size(DESKTOP)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert _pages(pdf) == 1, "the week does not fit one printed page"
    page.emulate_media(media="print")
    shoot(page, "scheduling-week-print")


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_booking_form_is_accessible_and_explains_a_clash(page, live_server, shoot, clinic):
    alma = clinic["patients"][0]
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "marcus", TEST_PASSWORD)
    page.goto(f"{live_server.url}/schedule/week/")
    page.get_by_role("link", name="Book an individual session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an individual session")
    assert_accessible(page)
    shoot(page, "scheduling-book-form")

    group_start = clinictime.local(
        at(clinic["today"], clinic["track"].start_time.strftime("%H:%M"))
    )
    page.get_by_label("Patient").select_option(label=f"{alma.display_name} ({alma.mrn})")
    page.get_by_label("Room").select_option(label="Counseling Room 1")
    page.get_by_label("Date").fill(group_start.date().isoformat())
    page.get_by_label("Starts at").fill(group_start.strftime("%H:%M"))
    page.get_by_role("button", name="Book the session").click()
    # the group began minutes ago (and may be outside opening hours): asked to confirm first
    page.get_by_label("Yes, book it at this date and time").check()
    page.get_by_role("button", name="Book the session").click()
    clash = re.compile(r"Marcus Hale is already in IOP Afternoon")
    expect(page.locator("#error-summary").get_by_text(clash)).to_be_visible()
    assert_accessible(page)
    shoot(page, "scheduling-book-clash")


def test_the_demo_clinic_pages_are_accessible(page, live_server, shoot):
    """Intake staff on the living demo clinic: the IOP program's week (overlapping
    blocks in lanes), the groups, a group's members, a patient's attendance by week,
    moving and cancelling a session, and the calendar subscription page."""
    from demo.schedule import ensure_demo_schedule
    from demo.users import DEMO_PASSWORD
    from scheduling.models import Session, Track

    ensure_demo_schedule()
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "intake", DEMO_PASSWORD)

    page.get_by_role("link", name="Schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intensive Outpatient (IOP)")
    expect(page.locator(".wk-block").first).to_be_visible()
    assert_accessible(page)
    shoot(page, "scheduling-demo-iop-week")

    page.get_by_label("Show the schedule of").select_option(label="Group Room A")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Group Room A")
    assert_accessible(page)

    page.get_by_role("link", name="Groups", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups")
    assert_accessible(page)
    shoot(page, "scheduling-groups")

    page.get_by_role("link", name="IOP Morning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IOP Morning")
    assert_accessible(page)
    shoot(page, "scheduling-group-detail")

    track = Track.objects.get(name="IOP Morning")
    member = track.enrollments.select_related("patient").first().patient
    page.get_by_role("link", name=member.display_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Attendance")
    assert_accessible(page)
    shoot(page, "scheduling-patient-attendance")

    upcoming = Session.objects.filter(track=track, start__gt=timezone.now()).first()
    for action in ("move", "cancel"):
        page.goto(f"{live_server.url}{upcoming.get_absolute_url()}{action}/")
        assert_accessible(page)
    shoot(page, "scheduling-cancel-form")

    page.goto(f"{live_server.url}/schedule/calendar/")
    page.get_by_role("button", name="Create my private link").click()
    expect(page.locator("#feed-url")).to_contain_text("/schedule/calendar/")
    assert_accessible(page)
