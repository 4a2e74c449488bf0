"""Progress measures in real Chromium: a counselor enters a weekly BAM item by item, sees
the off-track flag, the chart and its table; the director's dashboard; axe on each page."""

import re
from binascii import unhexlify
from datetime import timedelta

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from outcomes import scales, services
from scheduling import clinictime
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    login,
)
from tests.factories import TEST_PASSWORD, AdmissionFactory, PatientFactory, program
from tests.outcomes.test_scales import bam_answers

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_counselor_enters_a_bam_and_sees_the_flag_the_chart_and_the_table(
    page, live_server, counselor, shoot
):
    today = clinictime.today()
    admission = AdmissionFactory(
        patient=PatientFactory(legal_first_name="Rowan", legal_last_name="Quill", active=True),
        primary_counselor=counselor,
        program=program("IOP"),
        start_date=today - timedelta(days=15),
    )
    patient = admission.patient
    services.record_measurement(
        patient=patient,
        kind=scales.BAM_7,
        taken_on=today - timedelta(days=7),
        answers=bam_answers(i4=1, i9=3, i10=3, i13=5, i14=1, i16=5),
        by=counselor,
    )
    page.set_viewport_size(DESKTOP)
    login(page, live_server, counselor.username, TEST_PASSWORD)
    panel = page.get_by_role("region", name="Progress and drug screens")
    panel.get_by_role("link", name=patient.mrn).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress and drug screens")
    page.get_by_role("link", name="BAM, past 7 days").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("BAM, past 7 days")
    assert_accessible(page)
    answers = bam_answers(i4=2, i5=1, i9=3, i10=3, i13=5, i14=1, i16=5)
    for item in scales.BAM_ITEMS:
        name = f"item_{item.key}"
        if item.answer == "days":
            page.get_by_label(item.wording(7)).fill(str(answers[item.key]))
        else:
            page.locator(f'input[name="{name}"][value="{answers[item.key]}"]').check()
    shoot(page, "outcomes-bam-form-1280")
    page.get_by_role("button", name="Save the BAM, past 7 days").click()

    expect(page.get_by_role("status").filter(has_text="Off track")).to_contain_text(
        "BAM Use above 0 two measurements in a row (1, then 3)"
    )
    chart = page.locator("figure", has=page.get_by_text("BAM Use over time", exact=True))
    expect(chart.locator("svg title").first).to_have_text("BAM Use over time")
    expect(chart.locator("svg desc")).to_contain_text("2 measurements")
    table = chart.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table).to_contain_text("use reported")
    assert_accessible(page)
    shoot(page, "outcomes-progress-1280")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    shoot(page, "outcomes-progress-360")


def test_the_director_reads_the_dashboard(page, live_server, director, counselor, shoot):
    for _ in range(6):
        AdmissionFactory(primary_counselor=counselor, program=program("IOP"))
    for _ in range(5):
        AdmissionFactory(primary_counselor=counselor, program=program("OP"))
    AdmissionFactory(primary_counselor=counselor, program=program("PHP"))
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "director", TEST_PASSWORD)
    device = TOTPDevice.objects.get(user=director)
    page.get_by_label("Code").fill(f"{TOTP(unhexlify(device.key)).token():06d}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Outcomes dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes dashboard")
    census = page.get_by_role("table", name=re.compile("Patients in care today"))
    expect(census.get_by_role("row", name=re.compile("^IOP"))).to_contain_text("6")
    expect(census.get_by_role("row", name=re.compile("^PHP"))).to_contain_text("fewer than 5")
    # the next smallest is hidden too, so the total can't give the PHP count away
    expect(census.get_by_role("row", name=re.compile("^OP"))).to_contain_text("not shown")
    assert_accessible(page)
    shoot(page, "outcomes-dashboard-1280")
    page.set_viewport_size(PHONE)
    shoot(page, "outcomes-dashboard-360")
