"""Steps that more than one browser test takes, written as a person fills the page."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from intake import placement

MODERATE = [label for _, label in placement.CRITERIA[:4]]  # 4 criteria: moderate


def fill_moderate_assessment(page, *, phq9_item9: str = "0", referral: str = "Self") -> None:
    """An open assessment page filled for a moderate alcohol use disorder with D6 rated 2
    and everything else low: the placement rules recommend IOP. Not saved yet."""
    page.get_by_label("Referral source").select_option(label=referral)
    page.locator("#id_substances-0-substance").select_option(label="Alcohol")
    page.locator("#id_substances-0-frequency").select_option(label="Daily or almost daily")
    page.locator("#id_substances-0-route").select_option(label="By mouth")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.locator("#id_substances-0-last_use").fill(yesterday.isoformat())
    page.locator("#id_substances-0-is_primary").check()
    for label in MODERATE:
        page.get_by_label(label).check()
    page.get_by_label("I asked about all 11 criteria").check()
    for key in ("d1", "d2", "d3", "d4", "d5"):
        page.locator(f"#id_{key}").select_option("1" if key in ("d1", "d5") else "0")
    page.locator("#id_d6").select_option("2")
    page.locator("#id_d6_note").fill("Lives with a partner who drinks daily.")
    page.get_by_label("AUDIT", exact=True).fill("17")
    page.get_by_label("PHQ-9", exact=True).fill("9")
    page.get_by_label("PHQ-9 item 9 (thoughts of self-harm)").fill(phq9_item9)


def log_a_call(page, note: str) -> None:
    """On a call request's page: a phone call that reached the person, with a note."""
    contact = page.get_by_role("region", name="Log a contact attempt")
    contact.get_by_label("How").select_option(label="Phone call")
    contact.get_by_label("Outcome").select_option(label="Spoke with them")
    contact.get_by_label("Note").fill(note)
    contact.get_by_role("button", name="Log attempt").click()
    expect(page.get_by_text("Contact attempt logged.")).to_be_visible()
