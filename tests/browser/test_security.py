"""Security pages in real Chromium: the idle warning and draft saving, the director's
two-factor sign-in and pages, and the lockout message. axe on every page built here."""

import re
from binascii import unhexlify

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import AuditEvent
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_idle_warning_then_drafts_are_saved_and_the_session_ends(
    page, live_server, settings, intake_user, shoot
):
    settings.IDLE_TIMEOUT_SECONDS = 6
    settings.IDLE_WARNING_SECONDS = 3
    drafts = []

    def capture_draft(route):
        drafts.append(route.request.post_data)
        route.fulfill(status=200, body="saved")

    page.route("**/draft-target/", capture_draft)
    login(page, live_server, "intake_worker", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    # a form that follows the autosave contract, with something typed in it
    page.evaluate(
        """() => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = "/draft-target/";
        form.dataset.autosave = "";
        form.innerHTML = '<label for="n">Notes</label><textarea id="n" name="notes"></textarea>';
        document.querySelector("main").appendChild(form);
        document.getElementById("n").value = "Typed but never submitted";
    }"""
    )

    dialog = page.get_by_role("dialog", name="Are you still there?")
    expect(dialog).to_be_visible(timeout=6000)
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page)
    shoot(page, "security-idle-warning")
    with page.expect_response(re.compile(r"/staff/keep-alive/$")) as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 200
    expect(dialog).to_be_hidden()

    page.wait_for_url(re.compile(r"/staff/login/"), timeout=12000)
    status = page.get_by_role("status")
    expect(status).to_contain_text("You were signed out after 6 seconds without activity.")
    expect(status).to_contain_text("1 unsaved form was kept as a draft.")
    assert len(drafts) == 1
    assert "Typed but never submitted" in drafts[0]
    assert re.search(r'name="save_draft"\r\n\r\n1\r\n', drafts[0])
    assert AuditEvent.objects.filter(action="logout", detail="idle").count() == 1
    assert_accessible(page)


def _code(device: TOTPDevice) -> str:
    return f"{TOTP(unhexlify(device.key)).token():06d}"


def test_a_director_signs_in_with_a_code_and_reaches_the_audit_pages(
    page, live_server, director, intake_user, shoot
):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "director", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    assert_accessible(page)
    page.get_by_label("Code").fill(_code(TOTPDevice.objects.get(user=director)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    nav = page.get_by_role("navigation", name="Staff")
    nav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.get_by_role("cell", name="password and second factor")).to_be_visible()
    page.get_by_label("Staff member").select_option(value=str(director.pk))
    page.get_by_role("button", name="Show entries").click()
    expect(page).to_have_url(re.compile(rf"/staff/audit/\?actor={director.pk}$"))
    assert_accessible(page)
    shoot(page, "security-audit-log")

    nav.get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_text("It is required for your role")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Move to a new phone or app").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    assert_accessible(page)
    shoot(page, "security-two-factor-setup")


def test_a_locked_account_is_told_to_ask_the_director_who_unlocks_it(
    page, browser, live_server, intake_user, director, shoot
):
    page.set_viewport_size(PHONE)
    for _ in range(5):
        login(page, live_server, "intake_worker", "not-my-password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This account is locked")
    expect(alert).to_contain_text("Ask the clinical director to unlock it")
    assert_accessible(page)
    shoot(page, "security-locked-out")

    director_page = browser.new_page(viewport=DESKTOP)
    login(director_page, live_server, "director", TEST_PASSWORD)
    director_page.get_by_label("Code").fill(_code(TOTPDevice.objects.get(user=director)))
    director_page.get_by_role("button", name="Continue").click()
    director_page.goto(f"{live_server.url}/staff/locked-accounts/")
    row = director_page.get_by_role("row", name=re.compile("intake_worker"))
    expect(row).to_be_visible()
    assert_accessible(director_page)
    shoot(director_page, "security-locked-accounts")
    row.get_by_role("button", name="Unlock intake_worker").click()
    expect(director_page.get_by_role("status")).to_contain_text("intake_worker can sign in again.")
    director_page.close()

    login(page, live_server, "intake_worker", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
