"""Staff forms with errors: the focus lands on the error summary, whose links lead to the
fields; and the error pages, in the site's look, on a phone and a desktop."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED_ID = "document.activeElement && document.activeElement.id"


def test_the_new_patient_form_focuses_its_error_summary(page, live_server, intake_user, shoot):
    page.set_viewport_size(PHONE)
    login(page, live_server, intake_user.username, TEST_PASSWORD)
    page.get_by_role("button", name="Open menu").click()
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="New patient").click()
    expect(page.get_by_text("marks a required field")).to_be_visible()
    page.get_by_role("button", name="Create patient record").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate(FOCUSED_ID) == "error-summary"
    first_link = summary.get_by_role("link").first
    target = first_link.get_attribute("href").lstrip("#")
    first_link.click()
    assert page.evaluate(FOCUSED_ID) == target
    assert_accessible(page)
    shoot(page, "error-summary-patient-phone")
    page.set_viewport_size(DESKTOP)
    shoot(page, "error-summary-patient-desktop")


def test_the_two_factor_set_up_focuses_its_error_summary(page, live_server, intake_user, shoot):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, intake_user.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Staff").get_by_role(
        "link", name="Sign-in security"
    ).click()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    page.get_by_label("Code from the app").fill("12")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Code from the app")
    assert_accessible(page)
    shoot(page, "error-summary-two-factor")


def test_error_pages_in_the_site_look(page, live_server, intake_user, shoot):
    for size, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/no-such-page/")
        expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
        expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
        assert_accessible(page)
        shoot(page, f"error-404-public-{label}")

    login(page, live_server, intake_user.username, TEST_PASSWORD)
    for size, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/staff/audit/")
        expect(page.get_by_role("heading", level=1)).to_have_text("You cannot open this page")
        expect(page.get_by_role("link", name="Back to staff home")).to_be_visible()
        assert_accessible(page)
        shoot(page, f"error-403-staff-{label}")
