"""A program's week in real Chromium: one site at a time, another chosen with "Site"."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import INTAKE
from scheduling import clinictime
from scheduling.services import enroll_patient, generate_track_sessions
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, login
from tests.factories import (
    TEST_PASSWORD,
    AdmissionFactory,
    RoomFactory,
    SiteFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_sites():
    today = clinictime.today()
    monday = clinictime.monday_of(today)
    intake = UserFactory(username="rosalind", first_name="Rosalind", last_name="Achterberg")
    intake.groups.add(Group.objects.get(name=INTAKE))
    for name in ("Harbor", "Valley"):
        site = SiteFactory(name=name)
        track = TrackFactory(
            name=f"{name} IOP Morning",
            room=RoomFactory(name=f"{name} group room", site=site),
            first_date=monday - timedelta(days=7),
        )
        patient = AdmissionFactory(start_date=monday - timedelta(days=7)).patient
        enroll_patient(track=track, patient=patient, joined=monday, today=monday)
        generate_track_sessions(track=track, start=monday, end=monday + timedelta(days=7))
        if name == "Valley":
            site.staff.add(intake)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_program_week_shows_one_site_and_another_on_request(
    page, live_server, shoot, two_sites, viewport
):
    page.set_viewport_size(viewport)
    login(page, live_server, "rosalind", TEST_PASSWORD)
    page.goto(f"{live_server.url}{reverse('scheduling:week')}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Intensive Outpatient (IOP)")
    expect(heading).to_contain_text("at Valley")  # her own site
    expect(page.get_by_role("link", name="Valley IOP Morning").first).to_be_visible()
    expect(page.get_by_text("Harbor IOP Morning")).to_have_count(0)
    assert_accessible(page)
    shoot(page, f"scheduling-program-week-{viewport['width']}")

    page.get_by_label("Site").select_option(label="Harbor")
    page.get_by_role("button", name="Show").click()
    expect(heading).to_contain_text("at Harbor")
    expect(page.get_by_role("link", name="Harbor IOP Morning").first).to_be_visible()
    expect(page.get_by_text("Valley IOP Morning")).to_have_count(0)
    page.get_by_role("link", name="Next week").click()
    expect(heading).to_contain_text("at Harbor")  # the week links keep the site
