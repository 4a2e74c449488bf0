"""The whole way in real Chromium, one browser start: a mother asks, on her phone, for a
call about her son; the intake worker opens his record from her request, assesses him,
decides his level, admits him and enrols him in a group.

On the way each safeguard refuses once, with its message beside the field and what was
typed kept: the call form without the caller's relation, a possible duplicate record,
a level other than the recommendation without a reason, an admission dated before the
clinic first heard of him, and a group of another program without a reason (which his
caseload then flags). axe runs on every page the test sees, error states included, and
each is photographed.
"""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intake.models import Admission, Inquiry, Patient, PlacementDecision
from intake.public_forms import RELATION_REQUIRED
from scheduling.models import TrackEnrollment
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    console_errors,
    login,
)
from tests.browser.steps import fill_moderate_assessment, log_a_call
from tests.factories import TEST_PASSWORD, PatientFactory, RoomFactory, TrackFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_rows")]

TOMAS_PHONE = "(213) 555-0170"  # the family's landline: his uncle's record has it too
WHY_PHP = "His mother reports daily drinking since the call; he needs more structure now."
WHY_GROUP = "Joins the evening group while in PHP days: it is where he will step down."


def seen(page, shoot, name: str) -> None:
    """Every page the test reaches: no axe violation, no sideways scroll, a photograph."""
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    shoot(page, f"family-{name}")


def _a_mother_asks_for_a_call(page, live_server, shoot) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    seen(page, shoot, "home")
    page.get_by_role("main").get_by_role("link", name="Request a confidential call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a confidential call")
    seen(page, shoot, "request-call")
    page.get_by_label("Your name").fill("Elena Marquez")
    page.get_by_label("Phone", exact=True).fill("213 555 0161")
    page.get_by_label("Someone I care about").check()
    page.get_by_label("Their first name (optional)").fill("Tomas")
    page.get_by_label("You may contact me").check()
    page.get_by_role("button", name="Request a confidential call").click()

    # refused once: a call about someone else says who the caller is to them
    relation = page.get_by_label("Your relation to them")
    expect(relation).to_have_attribute("aria-invalid", "true")
    expect(relation).to_have_accessible_description(re.compile(re.escape(RELATION_REQUIRED)))
    expect(page.locator("#call-request-problems")).to_be_focused()
    expect(page.get_by_label("Their first name (optional)")).to_have_value("Tomas")
    assert not Inquiry.objects.exists()
    seen(page, shoot, "request-call-no-relation")

    relation.fill("Mother")
    page.get_by_role("button", name="Request a confidential call").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    seen(page, shoot, "thank-you")


def _intake_opens_his_record(page, live_server, shoot, intake_user) -> None:
    page.set_viewport_size(DESKTOP)
    login(page, live_server, intake_user.username, TEST_PASSWORD)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Call requests").click()
    row = page.get_by_role("row").filter(has_text="Elena Marquez")
    expect(row).to_contain_text("calling about Tomas (caller: Mother)")
    seen(page, shoot, "queue")
    row.get_by_role("link", name="Elena Marquez").click()

    request = page.get_by_role("region", name="The request", exact=True)
    expect(request).to_contain_text("The phone and e-mail below are the caller's")
    expect(request.get_by_text("Calling about", exact=True)).to_be_visible()
    log_a_call(page, "Spoke with his mother; Tomas will come in himself.")
    seen(page, shoot, "request")
    page.get_by_role("link", name="Convert to patient").click()

    # the caller is the emergency contact, never the patient's own details
    expect(page.get_by_label("Legal first name")).to_have_value("Tomas")
    expect(page.get_by_label("Legal last name")).to_have_value("")
    own, emergency = (
        page.get_by_role("group", name=n, exact=True) for n in ("Contact", "Emergency contact")
    )
    expect(own.get_by_label("Phone")).to_have_value("")
    expect(emergency.get_by_label("Name")).to_have_value("Elena Marquez")
    expect(emergency.get_by_label("Relationship")).to_have_value("Mother")
    expect(emergency.get_by_label("Phone")).to_have_value("(213) 555-0161")
    seen(page, shoot, "new-patient")
    page.get_by_label("Legal last name").fill("Marquez")
    page.get_by_label("Date of birth").fill("2001-06-01")
    page.get_by_label("Sex assigned at birth").select_option(label="Male")
    own.get_by_label("Phone").fill(TOMAS_PHONE)
    page.get_by_role("button", name="Create patient record").click()

    # refused once: his phone is on another record, which may be him
    candidates = page.get_by_role("region", name="Existing records that may be this person")
    expect(candidates.get_by_role("link", name="Rafael Marquez")).to_be_visible()
    expect(page.locator("#confirm-error")).to_contain_text("may be this person")
    expect(page.get_by_label("Legal last name")).to_have_value("Marquez")
    assert Patient.objects.count() == 1
    seen(page, shoot, "new-patient-candidates")
    page.get_by_label("This is a different person").check()
    page.get_by_role("button", name="Create patient record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tomas Marquez")
    expect(page.get_by_text("call request made by Elena Marquez (caller: Mother)")).to_be_visible()
    seen(page, shoot, "patient")


def _assess_and_decide(page, shoot) -> None:
    page.get_by_role("button", name="Start assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake assessment")
    seen(page, shoot, "assessment")
    fill_moderate_assessment(page, referral="Family or friend")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"Draft saved at"))).to_be_visible()
    expect(page.locator("#recommended-level")).to_have_text("Intensive Outpatient (IOP)")
    page.get_by_role("button", name="Complete and sign").click()
    expect(page.get_by_text("Assessment completed and signed.")).to_be_visible()
    seen(page, shoot, "assessment-signed")

    page.get_by_role("link", name="Decide the level of care").click()
    seen(page, shoot, "decision")
    page.get_by_label("Partial Hospitalization (PHP)").check()
    page.get_by_role("button", name="Record the decision").click()
    # refused once: a level other than the recommendation needs a reason
    reason = page.get_by_label("Reason for choosing a different level")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-summary")).to_contain_text("differs from the recommendation")
    expect(page.get_by_label("Partial Hospitalization (PHP)")).to_be_checked()
    assert not PlacementDecision.objects.exists()
    seen(page, shoot, "decision-no-reason")
    reason.fill(WHY_PHP)
    page.get_by_role("button", name="Record the decision").click()


def _admit(page, shoot, counselor) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Admit Tomas Marquez")
    page.get_by_label("Primary counselor").select_option(label=counselor.get_full_name())
    seen(page, shoot, "admit")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Start date").fill(yesterday.isoformat())
    page.get_by_role("button", name="Admit").click()
    # refused once: the clinic first heard of him today
    start = page.get_by_label("Start date")
    expect(start).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-summary")).to_contain_text("The start date")
    expect(page.get_by_label("Primary counselor")).to_have_value(str(counselor.pk))
    assert not Admission.objects.exists()
    seen(page, shoot, "admit-before-first-contact")
    start.fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Admit").click()
    expect(page.get_by_text("Admitted to Partial Hospitalization.")).to_be_visible()
    seen(page, shoot, "patient-admitted")


def _enrol_in_the_evening_group(page, shoot, patient: Patient) -> None:
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Groups").click()
    seen(page, shoot, "groups")
    page.get_by_role("link", name="IOP Evening").click()
    page.get_by_role("combobox", name="Patient").select_option(
        label=f"{patient.display_name} ({patient.mrn})"
    )
    page.get_by_label("Joins on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Enroll").click()
    # refused once: an IOP group for a PHP patient is an exception, with its reason
    why = page.get_by_label("Reason for an exception")
    expect(why).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-summary")).to_contain_text("give the reason for this exception")
    assert not TrackEnrollment.objects.exists()
    seen(page, shoot, "enrol-no-reason")
    why.fill(WHY_GROUP)
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("as an exception to their care")).to_be_visible()
    expect(page.get_by_text(WHY_GROUP)).to_be_visible()
    seen(page, shoot, "group")
    # and his counselor's caseload flags it
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Caseload").click()
    row = page.get_by_role("row").filter(has_text="Marquez")
    expect(row).to_contain_text("Group outside their level")
    expect(row).to_contain_text(WHY_GROUP)
    seen(page, shoot, "caseload")


def test_a_mothers_call_becomes_her_sons_admission_and_group(
    page, live_server, shoot, intake_user, counselor
):
    errors = console_errors(page)
    PatientFactory(legal_first_name="Rafael", legal_last_name="Marquez", phone=TOMAS_PHONE)
    TrackFactory(
        name="IOP Evening",
        weekdays=[0, 1, 3],
        start_time=time(18, 0),
        lead_counselor=counselor,
        room=RoomFactory(name="Group Room B"),
        first_date=timezone.localdate() - timedelta(days=28),
    )

    _a_mother_asks_for_a_call(page, live_server, shoot)
    inquiry = Inquiry.objects.get()
    assert (inquiry.name, inquiry.phone, inquiry.caller_relation) == (
        "Elena Marquez",
        "(213) 555-0161",
        "Mother",
    )
    assert (inquiry.for_whom, inquiry.patient_first_name) == ("other", "Tomas")

    _intake_opens_his_record(page, live_server, shoot, intake_user)
    tomas = Patient.objects.get(legal_first_name="Tomas")
    assert (tomas.phone, tomas.emergency_contact_name, tomas.inquiry) == (
        TOMAS_PHONE,
        "Elena Marquez",
        inquiry,
    )
    _assess_and_decide(page, shoot)
    assert PlacementDecision.objects.get().final_level == "PHP"
    _admit(page, shoot, counselor)
    admission = Admission.objects.get()
    assert (admission.program.code, admission.start_date) == ("PHP", timezone.localdate())
    _enrol_in_the_evening_group(page, shoot, tomas)
    enrollment = TrackEnrollment.objects.get()
    assert (enrollment.patient, enrollment.exception_reason) == (tomas, WHY_GROUP)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONVERTED
    assert not errors, errors
