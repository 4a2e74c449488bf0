"""On a phone: 44 px tap targets for the crisis lines and phone links, the admissions
number one tap away on every public page, the compare table without a word broken
mid-word, wide staff tables scrolling inside their own box, never the page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import AuditEvent
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, login
from tests.browser.test_public_site import PAGES
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_TARGETS = """() => [...document.querySelectorAll(
    '.crisis-bar a, a[href^="tel:"], a[href^="sms:"]')]
  .filter(a => a.offsetParent !== null)
  .map(a => { const r = a.getBoundingClientRect();
              return {text: a.textContent.trim(), w: r.width, h: r.height}; })
  .filter(r => r.w < 44 || r.h < 44)"""

# a word is broken when its letters sit on more than one line
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/[^\\s\\-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                                     .map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

# the outermost elements reaching past the screen's right edge (for the failure message)
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(el => !(el.parentElement && el.parentElement.closest('.table-responsive, .wk-scroll')))
  .slice(0, 5).map(el => el.tagName + '.' + el.className)"""

PAGE_WIDER_THAN_SCREEN = "document.documentElement.scrollWidth - window.innerWidth"


def test_public_pages_have_big_phone_links_and_the_admissions_number(page, live_server):
    page.set_viewport_size(PHONE)
    for name, path in [*PAGES, ("not-found", "/no-such-page/")]:
        page.goto(live_server.url + path)
        small = page.evaluate(SMALL_TARGETS)
        assert not small, f"{name}: links smaller than 44x44 px: {small}"
        call = page.get_by_role("banner").get_by_role("link", name="Call admissions")
        expect(call).to_be_visible()  # without opening the menu
        assert call.get_attribute("href").startswith("tel:+1")


def test_the_compare_table_breaks_no_word_on_a_phone(page, live_server, shoot):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/programs/compare/")
    broken = page.evaluate(BROKEN_WORDS, ".compare-table th, .compare-table td")
    assert not broken, f"words broken mid-word: {broken}"
    assert page.evaluate(PAGE_WIDER_THAN_SCREEN) <= 0
    shoot(page, "phone-compare")


@pytest.fixture
def demo_clinic():
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)


STAFF_TABLE_PAGES = [
    ("intake", "/intake/inquiries/", "Call requests"),
    ("intake", "/intake/patients/", "Patients"),
    ("intake", "/schedule/caseload/", "Caseload"),
    ("intake", "/schedule/tracks/", "Groups"),
    ("intake", "/schedule/week/", "Schedule"),
    ("counselor", "/schedule/week/", "My week"),
    ("counselor", "/schedule/caseload/", "Caseload"),
]


def test_wide_staff_tables_scroll_in_their_own_box(page, live_server, demo_clinic, shoot):
    page.set_viewport_size(PHONE)
    signed_in = None
    for username, path, name in STAFF_TABLE_PAGES:
        if username != signed_in:
            if signed_in:
                page.context.clear_cookies()
            login(page, live_server, username, "demo-pass-2026")
            signed_in = username
        page.goto(live_server.url + path)
        overflow = page.evaluate(PAGE_WIDER_THAN_SCREEN)
        assert overflow <= 0, f"{path}: the page scrolls sideways by {overflow}px: " + str(
            page.evaluate(WIDE_ELEMENTS)
        )
        boxes = page.locator(".table-responsive, .wk-scroll")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            assert box.get_attribute("tabindex") == "0", path
            assert box.get_attribute("role") == "region", path
            assert box.get_attribute("aria-label") or box.get_attribute("aria-labelledby")
        assert_accessible(page)
        shoot(page, f"phone-{username}-{name.lower().replace(' ', '-')}")


def test_the_audit_log_on_a_phone_and_a_desktop(page, live_server, director, shoot):
    from binascii import unhexlify

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for n in range(30):
        AuditEvent.objects.create(
            actor=director,
            actor_username="director",
            action="view",
            object_type="intake.Patient",
            detail=f"entry {n}",
        )
    page.set_viewport_size(PHONE)
    login(page, live_server, "director", TEST_PASSWORD)
    key = TOTPDevice.objects.get(user=director).key
    page.get_by_label("Code").fill(f"{TOTP(unhexlify(key)).token():06d}")
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server.url}/staff/audit/")
    assert page.evaluate(PAGE_WIDER_THAN_SCREEN) <= 0
    assert_accessible(page)
    shoot(page, "phone-audit-log")
    page.set_viewport_size(DESKTOP)
    shoot(page, "desktop-audit-log")
