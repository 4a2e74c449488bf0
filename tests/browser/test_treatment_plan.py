"""A counselor confirms a diagnosis and writes, signs and prints a treatment plan in real
Chromium, with JavaScript (rows added and removed in place) and without (the buttons
post the page back); axe on every treatment page, screenshots at 360 and 1280 px."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, login
from tests.factories import TEST_PASSWORD
from tests.treatment.conftest import confirm_diagnosis, in_care
from treatment import services

pytestmark = pytest.mark.django_db(transaction=True)


def _both_widths(page, shoot, name: str) -> None:
    for size, label in ((PHONE, "360"), (DESKTOP, "1280")):
        page.set_viewport_size(size)
        shoot(page, f"treatment-{name}-{label}")
    assert_accessible(page)


def test_a_counselor_writes_and_signs_a_plan_with_javascript(
    page, live_server, shoot, counselor, intake_user
):
    patient = in_care(counselor, intake_user)
    login(page, live_server, counselor.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    page.get_by_role("link", name="Diagnosis and history").click()
    _both_widths(page, shoot, "diagnosis")
    page.get_by_role("button", name="Confirm the diagnosis").click()
    expect(page.get_by_text("Diagnosis recorded.")).to_be_visible()
    expect(page.get_by_text("F10.20 Alcohol use disorder, moderate").first).to_be_visible()

    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    page.get_by_role("link", name="Treatment plans").click()
    page.get_by_role("button", name="Start the treatment plan").click()
    expect(page.get_by_role("heading", name="Problems")).to_be_visible()
    edit_url = page.url

    page.get_by_role("button", name="Add a goal").click()  # in place: no reload
    page.get_by_label("Goal, in the patient's words").fill("A home where nobody drinks")
    page.get_by_role("button", name="Add an objective").click()
    page.get_by_label("Measurable objective").fill("Visit two sober living homes")
    target = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Target date").fill(target.isoformat())
    page.get_by_role("button", name="Add an intervention").click()
    page.get_by_label(re.compile(r"^\s*What")).fill("Group therapy")
    page.get_by_label("How often").fill("3 times a week")
    page.get_by_label(re.compile(r"^\s*Who")).fill("IOP Morning track")
    page.get_by_role("button", name="Add a problem").click()
    expect(page.get_by_role("group", name="Problem 2")).to_be_visible()
    page.get_by_role("button", name="Remove problem 2").click()
    expect(page.get_by_role("group", name="Problem 2")).to_have_count(0)
    assert page.url == edit_url
    expect(page.get_by_label("Goal, in the patient's words")).to_have_value(
        "A home where nobody drinks"
    )
    _both_widths(page, shoot, "plan-form")
    page.get_by_role("button", name="Save the draft").first.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    _both_widths(page, shoot, "plan-draft")

    page.get_by_role("button", name="Sign as primary counselor").click()
    expect(page.get_by_role("heading", name="The patient signs the plan")).to_be_visible()
    _both_widths(page, shoot, "patient-signature")
    page.get_by_label("Patient's full name, typed by the patient").fill(patient.legal_name)
    page.get_by_label("I have read this treatment plan").check()
    page.get_by_role("button", name="Record the patient's signature").click()
    expect(page.get_by_text("The plan is signed and in force.")).to_be_visible()
    plan = services.current_plan(patient)
    assert plan is not None and plan.signatures.count() == 2
    _both_widths(page, shoot, "plan-signed")

    page.get_by_role("link", name="Print the plan").click()
    expect(page.get_by_role("heading", name="Treatment plan, version 1")).to_be_visible()
    _both_widths(page, shoot, "plan-print")

    page.goto(f"{live_server.url}{patient.get_absolute_url()}")
    expect(page.get_by_text("Diagnosis and treatment plan")).to_be_visible()
    page.get_by_role("link", name="Chart timeline").click()
    expect(page.get_by_text("Treatment plan version 1: Initial plan")).to_be_visible()
    _both_widths(page, shoot, "chart")
    page.goto(f"{live_server.url}/treatment/patients/{patient.uuid}/plans/")
    _both_widths(page, shoot, "plan-list")


def test_adding_and_removing_rows_without_javascript(
    browser, live_server, shoot, counselor, intake_user
):
    patient = in_care(counselor, intake_user)
    confirm_diagnosis(patient, counselor)
    plan = services.start_plan(patient=patient, by=counselor)
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        login(page, live_server, counselor.username, TEST_PASSWORD)
        page.goto(f"{live_server.url}/treatment/plans/{plan.uuid}/edit/")
        statement = page.get_by_label("Problem, in the patient's words")
        statement.fill("My roommate drinks every night and I join in")
        page.get_by_role("button", name="Add a goal").click()  # posts the page back
        expect(page.get_by_label("Goal, in the patient's words")).to_be_visible()
        expect(statement).to_have_value("My roommate drinks every night and I join in")
        page.get_by_label("Goal, in the patient's words").fill("A sober home")
        page.get_by_role("button", name="Add a problem").click()
        expect(page.get_by_role("group", name="Problem 2")).to_be_visible()
        page.get_by_role("button", name="Remove problem 1").click()  # takes its goal along
        expect(page.get_by_role("group", name="Problem 1")).to_be_visible()
        expect(page.get_by_role("group", name="Problem 2")).to_have_count(0)
        expect(page.get_by_label("Goal, in the patient's words")).to_have_count(0)
        page.get_by_role("button", name="Save the draft").first.click()
        expect(page.get_by_text("Nothing was saved")).to_be_visible()  # problem 2 is empty
        assert plan.problems.count() == 1
        shoot(page, "treatment-plan-form-nojs-1280")  # axe needs JavaScript: see above
    finally:
        context.close()
