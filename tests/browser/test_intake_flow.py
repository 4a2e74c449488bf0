"""Intake in real Chromium: from a public call request to an IOP admission.

An intake worker signs in, opens the new request (sent through the public form),
logs the call, books and converts it, fills an assessment of moderate severity with
D6 rated 2, sees IOP recommended with its reasons, signs it, decides and admits.
axe runs on every staff page on the way; each is photographed.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intake.models import Admission, Assessment, Consent, Inquiry, Patient, PlacementDecision
from programs.models import Program
from tests.browser.conftest import DESKTOP, assert_accessible, console_errors, login
from tests.browser.steps import fill_moderate_assessment, log_a_call
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_rows")]


def check(page, shoot, name: str) -> None:
    assert_accessible(page)
    shoot(page, f"intake-{name}")


def test_an_inquiry_becomes_an_iop_admission(page, live_server, shoot, intake_user, counselor):
    errors, missing = console_errors(page), []
    page.on(
        "response",
        lambda r: missing.append(r.url) if "/static/" in r.url and r.status >= 400 else None,
    )
    page.set_viewport_size(DESKTOP)

    # someone asks for a call on the public site
    page.goto(live_server.url + "/request-a-call/")
    page.get_by_label("Your name").fill("Noor Haddad")
    page.get_by_label("Phone", exact=True).fill("(213) 555-0163")
    page.get_by_label("You may contact me").check()
    page.get_by_role("button", name="Request a confidential call").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")

    # the intake worker finds it at the top of the queue
    login(page, live_server, intake_user.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Call requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call requests")
    row = page.get_by_role("row").filter(has_text="Noor Haddad")
    expect(row).to_contain_text("New")
    check(page, shoot, "inquiry-list")
    row.get_by_role("link", name="Noor Haddad").click()

    # log the call, book the assessment, convert
    expect(page.get_by_role("heading", level=1)).to_have_text("Noor Haddad")
    check(page, shoot, "inquiry-new")
    log_a_call(page, "Wants evening sessions; booked for tomorrow.")
    tomorrow = (timezone.localtime() + timedelta(days=1)).replace(hour=10, minute=0)
    page.get_by_label("Assessment appointment").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Book it").click()
    expect(page.get_by_text("Assessment booked.")).to_be_visible()
    check(page, shoot, "inquiry-booked")
    page.get_by_role("link", name="Convert to patient").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("New patient from call request")
    expect(page.get_by_label("Legal first name")).to_have_value("Noor")
    expect(page.get_by_label("Legal last name")).to_have_value("Haddad")
    # a mistake first: a future date of birth is refused beside the field, nothing lost
    page.get_by_label("Date of birth").fill("2099-01-01")
    page.get_by_role("button", name="Create patient record").click()
    # next to the field, and as a link in the error summary above the form
    expect(
        page.locator(".invalid-feedback").get_by_text("Date of birth cannot be in the future.")
    ).to_be_visible()
    expect(
        page.locator("#error-summary").get_by_text("Date of birth cannot be in the future.")
    ).to_be_visible()
    expect(page.get_by_label("Legal first name")).to_have_value("Noor")
    check(page, shoot, "patient-form-error")
    page.get_by_label("Date of birth").fill("1992-08-19")
    page.get_by_label("Sex assigned at birth").select_option(label="Female")
    page.get_by_role("button", name="Create patient record").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Noor Haddad")
    patient = Patient.objects.get()
    assert patient.inquiry.status == Inquiry.Status.CONVERTED
    check(page, shoot, "patient-new")
    page.get_by_role("button", name="Start assessment").click()

    # the assessment: moderate severity, D6 rated 2, everything else low
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake assessment")
    expect(page.locator("form[data-autosave]")).to_be_visible()
    check(page, shoot, "assessment-empty")
    fill_moderate_assessment(page, phq9_item9="1")
    page.get_by_role("button", name="Save draft").click()

    # the recommendation after saving, and the alert staff cannot miss
    expect(page.get_by_text(re.compile(r"Draft saved at"))).to_be_visible()
    banner = page.get_by_role("alert").filter(has_text="988")
    expect(banner).to_contain_text("PHQ-9 item 9")
    expect(page.locator("#recommended-level")).to_have_text("Intensive Outpatient (IOP)")
    recommendation = page.get_by_role("region", name="Level of care recommendation")
    expect(recommendation.get_by_text("Deciding")).to_have_count(2)  # severity and D6
    expect(recommendation).to_contain_text("moderate use disorder")
    expect(recommendation).to_contain_text("D6 (recovery / living environment) rated 2")
    expect(page.locator("#band-audit")).to_have_text("Band: harmful")
    check(page, shoot, "assessment-alert")

    # the same-day safety check found no risk; item 9 corrected, the banner goes
    page.get_by_label("PHQ-9 item 9 (thoughts of self-harm)").fill("0")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"Draft saved at"))).to_be_visible()
    expect(page.locator(".safety-banner")).to_have_count(0)
    check(page, shoot, "assessment-draft-iop")

    page.get_by_role("button", name="Complete and sign").click()
    expect(page.get_by_text("Assessment completed and signed.")).to_be_visible()
    expect(page.locator("form[data-autosave]")).to_have_count(0)
    expect(page.locator("#recommended-level")).to_have_text("Intensive Outpatient (IOP)")
    assessment = Assessment.objects.get()
    assert (assessment.status, assessment.recommended_level) == ("completed", "IOP")
    check(page, shoot, "assessment-signed")

    # decide: IOP, as recommended
    page.get_by_role("link", name="Decide the level of care").click()
    # a deliberate act: nothing is preselected, the recommendation is marked
    recommended = page.get_by_label("Intensive Outpatient (IOP) (recommended)")
    expect(recommended).not_to_be_checked()
    recommended.check()
    check(page, shoot, "decision")
    page.get_by_role("button", name="Record the decision").click()

    # admit to IOP with a primary counselor
    expect(page.get_by_role("heading", level=1)).to_contain_text("Admit Noor Haddad")
    expect(page.get_by_label("Level of care")).to_have_value(
        str(Program.objects.get(code="IOP").pk)
    )
    page.get_by_label("Primary counselor").select_option(label=counselor.get_full_name())
    check(page, shoot, "admission")
    page.get_by_role("button", name="Admit").click()

    expect(page.get_by_text("Admitted to Intensive Outpatient.")).to_be_visible()
    care = page.get_by_role("region", name="Current care")
    expect(care).to_contain_text("Intensive Outpatient (IOP)")
    expect(care).to_contain_text(counselor.get_full_name())
    check(page, shoot, "patient-admitted")

    admission = Admission.objects.get()
    assert (admission.program.code, admission.primary_counselor) == ("IOP", counselor)
    assert PlacementDecision.objects.get().final_level == "IOP"
    patient.refresh_from_db()
    assert patient.status == Patient.Status.ACTIVE
    assert not errors, errors
    assert not missing, missing


def test_every_other_intake_page_passes_axe(page, live_server, shoot, intake_user):
    """The demo desk, page by page: lists, search results, forms with their error
    messages, a signed assessment with a safety alert, a draft's missing parts, and a
    counselor's read-only view; the busiest pages also on a phone."""
    from demo.intake import ensure_demo_intake
    from demo.users import DEMO_PASSWORD

    ensure_demo_intake()
    alma = Patient.objects.get(legal_last_name="Quintero")
    darnell = Patient.objects.get(legal_last_name="Brooks")
    imani = Patient.objects.get(legal_last_name="Carter")
    draft = Assessment.objects.get(status="draft")
    closed = Inquiry.objects.get(status="closed")
    page.set_viewport_size(DESKTOP)
    login(page, live_server, intake_user.username, TEST_PASSWORD)

    def visit(path: str, name: str) -> None:
        assert page.goto(live_server.url + path).ok, path
        check(page, shoot, name)

    visit(closed.get_absolute_url(), "inquiry-closed")
    visit("/intake/patients/", "patient-list")
    page.get_by_label("Name, MRN, date of birth, phone or e-mail").fill("carter")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("1 patient found.")
    assert "carter" not in page.url.lower()
    check(page, shoot, "patient-search")
    visit(imani.get_absolute_url(), "patient-stepped-down")
    expect(page.get_by_role("region", name="Level of care history", exact=True)).to_contain_text(
        "Stepped down"
    )
    expect(page.get_by_role("region", name="Who opened this record")).to_be_visible()
    visit(f"/intake/patients/{alma.uuid}/edit/", "patient-edit")

    assert page.goto(f"{live_server.url}/intake/patients/{alma.uuid}/consents/new/").ok
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Give an expiry date or an expiry event.", exact=True)).to_be_visible()
    check(page, shoot, "consent-form-errors")
    consent = alma.consents.get(kind=Consent.Kind.RECIPIENT)  # beside the demo TPO consent
    visit(f"/intake/patients/{alma.uuid}/consents/{consent.uuid}/revoke/", "consent-revoke")

    visit(darnell.assessments.get().get_absolute_url(), "assessment-signed-alert")
    expect(page.get_by_role("alert").filter(has_text="988")).to_contain_text("PHQ-9 item 9")

    assert page.goto(live_server.url + draft.get_absolute_url()).ok
    page.get_by_role("button", name="Complete and sign").click()
    expect(page.get_by_role("heading", name="Not complete yet")).to_be_visible()
    # listed at the top and beside the field
    expect(
        page.get_by_text("Rate D3 (emotional, behavioral or cognitive conditions).")
    ).to_have_count(2)
    check(page, shoot, "assessment-missing")

    admission = imani.admissions.get(end_date__isnull=True)
    assert page.goto(
        f"{live_server.url}/intake/patients/{imani.uuid}/admissions/{admission.pk}/discharge/"
    ).ok
    page.get_by_label("Discharge date").fill("2001-01-01")
    page.get_by_role("button", name="Discharge").click()
    expect(
        page.locator(".invalid-feedback").get_by_text("The discharge date can't be before")
    ).to_be_visible()
    check(page, shoot, "discharge-error")
    visit(f"/intake/patients/{imani.uuid}/admissions/{admission.pk}/change-level/", "change-level")

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in [
        ("/intake/inquiries/", "inquiry-list-phone"),
        (imani.get_absolute_url(), "patient-phone"),
        (draft.get_absolute_url(), "assessment-draft-phone"),
    ]:
        visit(path, name)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"

    # a counselor reads a patient on their caseload, and nothing more
    page.set_viewport_size(DESKTOP)
    page.context.clear_cookies()
    login(page, live_server, "counselor", DEMO_PASSWORD)
    visit(imani.get_absolute_url(), "patient-counselor-view")
    expect(
        page.get_by_text("On your caseload: read-only but for the planned discharge")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Edit record")).to_have_count(0)
    visit(imani.assessments.get().get_absolute_url(), "assessment-counselor-view")
    assert page.goto(live_server.url + darnell.get_absolute_url()).status == 404
