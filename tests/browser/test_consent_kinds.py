"""Part 2 consent kinds in real Chromium: an intake worker prints a TPO form for the
patient to sign, records the signed TPO consent, and prints it. axe on every page;
screenshots at phone and desktop width."""

import pytest
from playwright.sync_api import expect

from intake.models import TPO_PURPOSE, TPO_RECIPIENTS
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    login,
)
from tests.factories import TEST_PASSWORD, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_print_a_form_record_a_tpo_consent_and_print_it(page, live_server, shoot, intake_user):
    patient = PatientFactory(legal_first_name="Dana", legal_last_name="Whitfield")
    page.set_viewport_size(DESKTOP)
    login(page, live_server, intake_user.username, TEST_PASSWORD)
    record = f"{live_server.url}{patient.get_absolute_url()}"

    # the form to sign
    page.goto(record)
    page.get_by_role("link", name="TPO consent form").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Treatment, payment and health care operations"
    )
    expect(page.get_by_text(TPO_RECIPIENTS)).to_be_visible()
    expect(page.get_by_text("Signature of the patient")).to_be_visible()
    assert "Whitfield" not in page.title()
    assert_accessible(page)
    shoot(page, "consent-form-to-sign-tpo-1280")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    shoot(page, "consent-form-to-sign-tpo-360")
    page.emulate_media(media="print")
    shoot(page, "consent-form-to-sign-tpo-paper")
    page.emulate_media(media="screen")

    # recording the signed consent
    page.set_viewport_size(DESKTOP)
    page.goto(record)
    page.get_by_role("link", name="Record a consent").click()
    page.get_by_label("Treatment, payment and health care operations (TPO)").check()
    page.get_by_label("What may be disclosed").fill("My intake assessment and attendance records")
    page.get_by_label("The intake assessment").check()
    page.get_by_label("Attendance records").check()
    page.get_by_label("Or expires at").select_option(
        label="None: until revoked in writing (TPO consents only)"
    )
    assert_accessible(page)
    shoot(page, "consent-record-tpo-1280")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    shoot(page, "consent-record-tpo-360")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    consents = page.locator("#consents")
    expect(consents.get_by_text(TPO_PURPOSE)).to_be_visible()
    expect(consents.get_by_text("until revoked in writing")).to_be_visible()
    shoot(page, "consent-list-1280")

    # and printed as recorded
    consents.get_by_role("link", name="Print").first.click()
    expect(page.get_by_text("until revoked in writing")).to_be_visible()
    expect(page.get_by_text("Redisclosure by HIPAA-covered recipients.").first).to_be_visible()
    assert_accessible(page)
    shoot(page, "consent-print-tpo-1280")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    shoot(page, "consent-print-tpo-360")
