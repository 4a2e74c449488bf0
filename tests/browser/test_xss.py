"""Hostile names in real Chromium: a patient, an inquiry, a track, a room and a staff
member named like an attack show as text on the pages of each role; no dialog opens and
no element is injected. The CSP would block an inline script anyway, so the DOM check
is what proves the escaping (tests/security/test_hostile_names.py checks the HTML)."""

from binascii import unhexlify

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, login
from tests.factories import TEST_PASSWORD
from tests.security.test_hostile_names import (
    IMG,
    SQL,
    XSS,
    fail_sign_in_as_attacker,
    make_hostile_world,
)

pytestmark = pytest.mark.django_db(transaction=True)

INJECTED = """() => ({
    images: document.querySelectorAll("img[src='x'], img[onerror]").length,
    scripts: [...document.scripts].filter(s => s.textContent.includes("alert(")).length,
})"""


def visit(page, url: str, texts: tuple[str, ...], dialogs: list[str]) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for text in texts:
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
    assert page.evaluate(INJECTED) == {"images": 0, "scripts": 0}, url
    assert dialogs == [], f"{url}: a dialog opened: {dialogs}"


def test_hostile_names_are_text_for_every_role(page, live_server, counselor, intake_user, director):
    h = make_hostile_world(counselor=counselor, intake_user=intake_user)
    fail_sign_in_as_attacker(settings.AXES_FAILURE_LIMIT)
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_viewport_size(DESKTOP)
    base = live_server.url

    login(page, live_server, "intake_worker", TEST_PASSWORD)
    for path, texts in [
        ("/intake/inquiries/", (XSS, SQL)),
        (f"/intake/inquiries/{h.inquiry.public_id}/", (XSS, SQL, IMG)),
        ("/intake/patients/", (XSS, SQL, IMG)),
        (f"/intake/patients/{h.patient.uuid}/", (XSS, SQL)),
        (f"/intake/assessments/{h.signed.uuid}/", (XSS, SQL, IMG)),
        (f"/intake/assessments/{h.draft.uuid}/", (XSS,)),  # the patient's name
        (f"/schedule/week/?show=counselor-{counselor.pk}", (XSS,)),
        (f"/schedule/sessions/{h.session.pk}/", (XSS, SQL)),
        (f"/schedule/tracks/{h.track.pk}/", (XSS, IMG)),
    ]:
        visit(page, base + path, texts, dialogs)
    # the draft's notes are typed text in the form: they come back as values
    page.goto(f"{base}/intake/assessments/{h.draft.uuid}/")
    expect(page.get_by_label("D3 note")).to_have_value(XSS)

    page.context.clear_cookies()
    login(page, live_server, "counselor_one", TEST_PASSWORD)
    for path, texts in [
        ("/schedule/week/", (XSS,)),
        ("/schedule/caseload/", (XSS, SQL)),
        (f"/schedule/sessions/{h.session.pk}/", (XSS, SQL)),
    ]:
        visit(page, base + path, texts, dialogs)

    page.context.clear_cookies()
    login(page, live_server, "director", TEST_PASSWORD)
    device = TOTPDevice.objects.get(user=director)
    page.get_by_label("Code").fill(f"{TOTP(unhexlify(device.key)).token():06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    for path, texts in [
        ("/staff/audit/", (XSS,)),
        ("/staff/locked-accounts/", (XSS,)),
        (f"/intake/patients/{h.patient.uuid}/", (XSS, SQL, IMG)),
    ]:
        visit(page, base + path, texts, dialogs)
