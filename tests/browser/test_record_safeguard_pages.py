"""The record's safeguard pages in real Chromium, each at 360 px and 1280 px: no axe
violation, no sideways scroll of the page, a photograph. Admission, the discharge and
consent-revocation confirmations, amending a decision, the possible duplicates of a new
record, a director's merge (its form and its confirmation), and the planned discharge
date a counselor sets for their own patient (refused, then saved)."""

from binascii import unhexlify
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from intake import services
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
    AssessmentFactory,
    ConsentFactory,
    PatientFactory,
    SubstanceFactory,
    program,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_rows")]

WREN = {"legal_first_name": "Wren", "legal_last_name": "Holloway"}
BORN = date(1990, 2, 14)


def at_both_widths(page, shoot, name: str) -> None:
    for width, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        shoot(page, f"record-{name}-{width}")
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def decided(intake_user):
    """Wren: a signed moderate assessment, IOP decided, not admitted yet."""
    patient = PatientFactory(**WREN, date_of_birth=BORN, phone="(213) 555-0190")
    draft = AssessmentFactory(moderate=True, patient=patient, created_by=intake_user)
    SubstanceFactory(assessment=draft)
    assessment = services.complete_assessment(assessment=draft, by=intake_user)
    services.decide_placement(assessment=assessment, final_level="IOP", reason="", by=intake_user)
    return assessment


def test_the_intake_safeguard_pages(page, live_server, shoot, intake_user, decided):
    wren = decided.patient
    admitted = AdmissionFactory(program=program("IOP"), patient__legal_last_name="Abernathy")
    dana = admitted.patient
    consent = ConsentFactory(patient=dana)
    base = f"{live_server.url}/intake/patients"
    page.set_viewport_size(DESKTOP)
    login(page, live_server, intake_user.username, TEST_PASSWORD)

    page.goto(f"{base}/{wren.uuid}/admit/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Admit Wren Holloway")
    at_both_widths(page, shoot, "admit")

    page.goto(f"{live_server.url}/intake/assessments/{decided.uuid}/decision/amend/")
    page.get_by_role("button", name="Record the amendment").click()  # refused: no reason
    expect(page.locator("#error-summary")).to_be_visible()
    at_both_widths(page, shoot, "amend-decision-error")

    page.goto(f"{base}/{dana.uuid}/admissions/{admitted.pk}/discharge/")
    page.get_by_label("Discharge date").fill(timezone.localdate().isoformat())
    page.get_by_role("combobox", name="Reason").select_option(index=1)
    page.get_by_label("What happened").fill("Finished the program and moves to weekly aftercare.")
    page.get_by_role("button", name="Review the discharge").click()
    expect(page.get_by_role("heading", name="Confirm the discharge")).to_be_visible()
    at_both_widths(page, shoot, "discharge-confirm")

    page.goto(f"{base}/{dana.uuid}/consents/{consent.uuid}/revoke/")
    page.get_by_label("Revoked on").fill(timezone.localdate().isoformat())
    page.get_by_label("Why it is revoked").fill("The patient asked in writing to stop sharing.")
    page.get_by_role("button", name="Review the revocation").click()
    expect(page.get_by_role("button", name="Confirm the revocation")).to_be_visible()
    at_both_widths(page, shoot, "consent-revoke-confirm")

    page.goto(f"{base}/new/")
    page.get_by_label("Legal first name").fill("Wren")
    page.get_by_label("Legal last name").fill("Holloway")
    page.get_by_label("Date of birth").fill(BORN.isoformat())
    page.get_by_label("Sex assigned at birth").select_option(index=1)
    page.get_by_role("button", name="Create patient record").click()
    candidates = page.get_by_role("region", name="Existing records that may be this person")
    expect(candidates.get_by_role("link", name="Wren Holloway")).to_be_visible()
    at_both_widths(page, shoot, "duplicate-candidates")


def test_the_merge_pages(page, live_server, shoot, director, intake_user, decided):
    wren = decided.patient
    duplicate = PatientFactory(**WREN, date_of_birth=BORN)
    ConsentFactory(patient=duplicate)
    login(page, live_server, "director", TEST_PASSWORD)
    device = TOTPDevice.objects.get(user=director)
    page.get_by_label("Code").fill(f"{TOTP(unhexlify(device.key)).token():06d}")
    page.get_by_role("button", name="Continue").click()

    page.goto(f"{live_server.url}/intake/patients/{wren.uuid}/merge/")
    page.get_by_role("button", name="Review the merge").click()  # refused: nothing typed
    expect(page.locator("#error-summary")).to_be_visible()
    at_both_widths(page, shoot, "merge-error")
    page.get_by_label("MRN of the duplicate record").fill(duplicate.mrn)
    page.get_by_label("Why these are one person").fill(
        "Same name, birth date and address; created twice at two visits."
    )
    page.get_by_role("button", name="Review the merge").click()
    expect(
        page.get_by_role("heading", name=f"Confirm the merge of {duplicate.mrn}")
    ).to_be_visible()
    expect(page.locator("#merge-preview")).to_contain_text("consent")
    at_both_widths(page, shoot, "merge-confirm")


def test_the_planned_discharge_page(page, live_server, shoot, counselor):
    admission = AdmissionFactory(
        program=program("IOP"),
        primary_counselor=counselor,
        start_date=timezone.localdate() - timedelta(days=20),
        patient__legal_last_name="Abernathy",
    )
    login(page, live_server, counselor.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/intake/patients/{admission.patient.uuid}/")
    expect(page.get_by_text("No discharge date planned")).to_be_visible()
    page.get_by_role("link", name="Set planned discharge").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planned discharge")
    at_both_widths(page, shoot, "planned-discharge")

    too_early = admission.start_date - timedelta(days=1)
    page.get_by_label("Planned discharge date").fill(too_early.isoformat())
    page.get_by_role("button", name="Save the planned date").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_text("can't be before")).not_to_have_count(0)
    at_both_widths(page, shoot, "planned-discharge-error")

    planned = timezone.localdate() + timedelta(days=5)
    page.get_by_label("Planned discharge date").fill(planned.isoformat())
    page.get_by_role("button", name="Save the planned date").click()
    expect(page.get_by_text("Planned discharge:")).to_be_visible()
    expect(page.get_by_role("link", name="Change planned discharge")).to_be_visible()
    at_both_widths(page, shoot, "planned-discharge-set")
