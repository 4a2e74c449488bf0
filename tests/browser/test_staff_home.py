"""The staff home in Chromium: what a counselor and an intake worker see first."""

import pytest
from playwright.sync_api import expect

from scheduling import clinictime
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, login
from tests.factories import TEST_PASSWORD, AdmissionFactory, InquiryFactory, RoomFactory
from tests.scheduling.conftest import book

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_role_lands_on_its_own_work(page, live_server, counselor, intake_user, shoot):
    admission = AdmissionFactory(primary_counselor=counselor)
    book(admission.patient, counselor, RoomFactory(name="Room 4"), clinictime.today(), "10:00")
    InquiryFactory.create_batch(3)

    page.set_viewport_size(DESKTOP)
    login(page, live_server, counselor.username, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="My day")).to_be_visible()
    expect(page.get_by_text("Room 4")).to_be_visible()
    assert_accessible(page)
    shoot(page, "staff-home-counselor")
    page.get_by_role("button", name="Sign out").click()

    page.set_viewport_size(PHONE)
    login(page, live_server, intake_user.username, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Intake")).to_be_visible()
    expect(page.get_by_text("New call requests")).to_be_visible()
    assert_accessible(page)
    shoot(page, "staff-home-intake-phone")
