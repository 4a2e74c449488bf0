"""The public site in real Chromium: a visitor on a phone, every page's look and accessibility."""

import re

import pytest
from playwright.sync_api import expect

from intake.models import Inquiry
from intake.public_forms import PHONE_INVALID
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
)

pytestmark = pytest.mark.django_db(transaction=True)


PAGES = [
    ("home", "/"),
    ("programs", "/programs/"),
    ("program-iop", "/programs/intensive-outpatient/"),
    ("program-inpatient", "/programs/inpatient-residential/"),
    ("compare", "/programs/compare/"),
    ("what-to-expect", "/what-to-expect/"),
    ("faq", "/faq/"),
    ("request-call", "/request-a-call/"),
    ("thank-you", "/request-a-call/thank-you/"),
]


def test_a_visitor_on_a_phone_finds_iop_compares_and_requests_a_call(page, live_server, shoot):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()

    page.get_by_role("link", name="About Intensive Outpatient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intensive Outpatient")
    expect(page.get_by_text("9 to 19 hours a week").first).to_be_visible()

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare levels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare levels of care")
    expect(page.get_by_role("region", name=re.compile("side by side"))).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="request a confidential call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a confidential call")
    page.get_by_label("Your name").fill("Dana")
    page.get_by_label("Phone", exact=True).fill("555-0147")  # no area code
    page.get_by_label("Someone I care about").check()
    page.get_by_label("Your relation to them").fill("Friend")
    page.get_by_label("Anything you would like us to know?").fill("Mornings are easier.")
    page.get_by_label("You may contact me").check()
    page.get_by_role("button", name="Request a confidential call").click()

    phone = page.get_by_label("Phone", exact=True)
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_phone_error")).to_have_text(PHONE_INVALID)
    expect(phone).to_have_accessible_description(PHONE_INVALID)
    expect(page.locator("#call-request-problems")).to_be_focused()
    expect(page.get_by_label("Your name")).to_have_value("Dana")
    expect(page.get_by_label("Someone I care about")).to_be_checked()
    expect(page.get_by_label("Your relation to them")).to_have_value("Friend")
    expect(page.get_by_label("Anything you would like us to know?")).to_have_value(
        "Mornings are easier."
    )
    expect(page.get_by_label("You may contact me")).to_be_checked()
    assert Inquiry.objects.count() == 0
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, "public-request-call-error-phone")

    phone.fill("(213) 555-0147")
    page.get_by_role("button", name="Request a confidential call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")
    expect(page.get_by_text("within one business day").first).to_be_visible()
    inquiry = Inquiry.objects.get()
    assert (inquiry.name, inquiry.phone, inquiry.for_whom) == ("Dana", "(213) 555-0147", "other")
    assert (inquiry.caller_relation, inquiry.patient_first_name) == ("Friend", "")
    assert inquiry.status == Inquiry.Status.NEW


def test_every_public_page_fits_a_phone_passes_axe_and_is_photographed(page, live_server, shoot):
    # a blocked script or style (Content-Security-Policy) shows up as a console error
    errors = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "favicon" not in (msg.location or {}).get("url", "")
            else None
        ),
    )
    for name, path in PAGES:
        page.set_viewport_size(PHONE)
        assert page.goto(live_server.url + path).ok, path
        assert_no_horizontal_scroll(page)
        assert_accessible(page)
        shoot(page, f"public-{name}-phone")
        # the crisis lines stay on screen, readable, after scrolling to the end
        page.mouse.wheel(0, 20000)
        bar = page.locator(".crisis-bar")
        expect(bar.get_by_role("link", name="Call 988")).to_be_in_viewport()
        expect(bar.get_by_role("link", name="1-800-662-4357")).to_be_in_viewport()
        size = bar.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 13, f"{name}: crisis bar text is {size}px"

        page.set_viewport_size(DESKTOP)
        assert page.goto(live_server.url + path).ok, path
        assert_accessible(page)
        shoot(page, f"public-{name}-desktop")
    assert not errors, errors


def test_the_faq_answers_open_and_pass_axe(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/faq/")
    for summary in page.locator("summary").all():
        summary.click()
    expect(page.get_by_text("exactly the same care")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def _tab_until(page, wanted: str, limit: int = 25) -> list[str]:
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "() => (document.activeElement.getAttribute('aria-label')"
            " || document.activeElement.innerText || '').trim()"
        )
        seen.append(label)
        if label == wanted:
            return seen
    raise AssertionError(f"{wanted!r} not reached by Tab; reached {seen}")


def test_the_skip_link_and_main_nav_are_reachable_by_keyboard(page, live_server):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/programs/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.goto(live_server.url + "/programs/")
    seen = _tab_until(page, "Request a confidential call")
    for link in ("Programs", "Compare levels", "What to expect", "FAQ"):
        assert link in seen
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/request-a-call/")

    # on a phone the menu opens from the keyboard too
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    _tab_until(page, "Menu")
    page.keyboard.press("Enter")
    seen = _tab_until(page, "FAQ")
    assert "Programs" in seen and "Compare levels" in seen
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions people often ask")


def test_a_printed_program_page_shows_the_facts_without_nav_or_form(page, live_server, shoot):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/programs/intensive-outpatient/")
    page.emulate_media(media="print")
    for hidden in (".crisis-bar", ".site-header", ".call-request-form", ".breadcrumb", "footer"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(page.get_by_text("9 to 19 hours a week").first).to_be_visible()
    expect(page.get_by_role("heading", name="Moving between levels")).to_be_visible()
    # on paper the crisis lines and the clinic's number come at the end instead
    expect(page.locator(".print-only")).to_contain_text("988")
    expect(page.locator(".print-only")).to_contain_text("(213) 555-0100")
    shoot(page, "public-program-iop-print")
