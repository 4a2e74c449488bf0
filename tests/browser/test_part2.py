"""42 CFR Part 2 in real Chromium: an intake worker prints an assessment and attendance
(screen and print media), then discloses records under a consent and downloads the
document. axe on every page; screenshots of each."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intake import services
from intake.models import Disclosure
from scheduling.models import Attendance
from scheduling.services import mark_attendance
from tests.browser.conftest import DESKTOP, assert_accessible, console_errors, login
from tests.factories import (
    TEST_PASSWORD,
    AdmissionFactory,
    AssessmentFactory,
    ConsentFactory,
    PatientFactory,
    SubstanceFactory,
    TrackFactory,
    UserFactory,
)
from tests.scheduling.conftest import group_session

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "This record which has been disclosed to you is protected by Federal confidentiality"


@pytest.fixture
def record(intake_user):
    """A signed assessment, two weeks of group attendance, and three consents: one in
    force for everything, one for attendance only, one revoked."""
    today = timezone.localdate()
    counselor = UserFactory(username="rosa", first_name="Rosa", last_name="Lindqvist")
    patient = PatientFactory(
        legal_first_name="Dana", legal_last_name="Whitfield", status="in_assessment"
    )
    assessment = AssessmentFactory(patient=patient, moderate=True, created_by=intake_user)
    SubstanceFactory(assessment=assessment)
    services.complete_assessment(assessment=assessment, by=intake_user)
    AdmissionFactory(patient=patient, primary_counselor=counselor, start_date=today - timedelta(28))
    monday = today - timedelta(days=today.weekday() + 14)
    track = TrackFactory(name="IOP Morning", lead_counselor=counselor, first_date=monday)
    for offset in (0, 2, 4, 7, 9):
        session = group_session(
            track, monday + timedelta(days=offset), [patient] if offset == 0 else []
        )
        attendee = session.attendees.get(patient=patient)
        attended = (Attendance.ABSENT if offset == 9 else Attendance.PRESENT, None)
        mark_attendance(session=session, marks={attendee.pk: attended}, by=counselor)
    signed = today - timedelta(days=20)
    everything = ConsentFactory(
        patient=patient,
        recipient="Dr. Lena Ortiz, Eastside Family Clinic (fictional)",
        purpose="Coordinate medical care",
        information="My intake assessment and my attendance",
        signed_on=signed,
        covers_assessment=True,
        covers_attendance=True,
    )
    ConsentFactory(
        patient=patient,
        recipient="County probation office (fictional)",
        purpose="Report attendance to the court",
        information="Attendance only",
        signed_on=signed,
        covers_attendance=True,
    )
    ConsentFactory(
        patient=patient,
        recipient="Acme Logistics employee assistance program (fictional)",
        purpose="Return-to-work plan",
        information="Attendance",
        signed_on=signed,
        revoked_on=today - timedelta(days=3),
        covers_attendance=True,
    )
    return {"patient": patient, "consent": everything}


def test_print_and_disclose(page, live_server, shoot, intake_user, record, tmp_path):
    errors = console_errors(page)
    patient = record["patient"]
    page.set_viewport_size(DESKTOP)
    login(page, live_server, intake_user.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")

    # the signed assessment, as printed
    page.get_by_role("link", name="Print the assessment of").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake assessment")
    expect(page.get_by_text(NOTICE)).to_have_count(2)
    assert_accessible(page)
    shoot(page, "part2-assessment-print-screen")
    page.evaluate(
        "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"
    )
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") == 1  # static/js/print.js, allowed by the CSP
    page.emulate_media(media="print")
    expect(page.locator(".print-toolbar")).to_be_hidden()
    expect(page.locator(".staff-header")).to_be_hidden()
    shoot(page, "part2-assessment-print-paper")
    page.emulate_media(media="screen")

    # attendance, week by week
    page.get_by_role("link", name="Back to the assessment").click()
    page.get_by_role("link", name=patient.display_name).first.click()
    page.get_by_role("link", name="Print attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance record")
    expect(page.get_by_role("heading", name="Week of", exact=False)).to_have_count(2)
    assert_accessible(page)
    shoot(page, "part2-attendance-print-screen")
    page.emulate_media(media="print")
    shoot(page, "part2-attendance-print-paper")
    page.emulate_media(media="screen")

    # disclosing: consents in force offered, the revoked one greyed with why
    page.get_by_role("link", name="Back to attendance").click()
    page.get_by_role("link", name=patient.display_name).click()
    page.get_by_role("link", name="Disclose records").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Disclose records")
    expect(page.get_by_role("radio")).to_have_count(2 + 5)  # two consents, five kinds of record
    expect(page.get_by_text("Acme Logistics employee assistance program")).to_be_visible()
    expect(page.get_by_text("Revoked on")).to_be_visible()
    assert_accessible(page)
    shoot(page, "part2-disclose")

    # out of scope: the probation office may have attendance only
    page.get_by_label("County probation office", exact=False).check()
    page.get_by_label("Intake assessment and attendance records", exact=True).check()
    page.get_by_role("button", name="Record the disclosure and download").click()
    # next to the field, and as a link in the error summary above the form
    expect(
        page.locator(".invalid-feedback").get_by_text(
            "This consent does not cover the intake assessment"
        )
    ).to_be_visible()
    expect(
        page.locator("#error-summary").get_by_text(
            "This consent does not cover the intake assessment"
        )
    ).to_be_visible()
    assert_accessible(page)
    shoot(page, "part2-disclose-refused")
    assert not Disclosure.objects.exists()

    page.get_by_label("Dr. Lena Ortiz", exact=False).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Record the disclosure and download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    document = saved.read_text()
    assert document.count(NOTICE) == 2
    assert "My intake assessment and my attendance" in document
    assert Disclosure.objects.get().what == "both"

    # the document as the recipient opens it
    page.goto(saved.as_uri())
    assert_accessible(page)
    shoot(page, "part2-disclosure-document")

    page.goto(f"{live_server.url}{patient.get_absolute_url()}#disclosures")
    expect(page.locator("#disclosures")).to_contain_text("Dr. Lena Ortiz, Eastside Family Clinic")
    assert_accessible(page)
    shoot(page, "part2-patient-disclosures")
    assert not errors, errors
