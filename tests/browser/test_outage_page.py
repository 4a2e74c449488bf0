"""The "we'll be back" page of a database outage in Chromium: accessible, no sideways
scroll on a phone, the crisis lines and phone links 44 px to tap, the site's stylesheet."""

import pytest
from django.db import OperationalError

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
)
from tests.browser.test_phone_layout import SMALL_TARGETS

pytestmark = pytest.mark.django_db(transaction=True)


def _down(*args, **kwargs):
    raise OperationalError("connection to server failed")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_outage_page_on_a_phone_and_a_desktop(page, live_server, monkeypatch, shoot, size):
    monkeypatch.setattr("programs.http.catalog_state", _down)
    page.set_viewport_size(size)

    response = page.goto(live_server.url + "/")

    assert response.status == 503
    assert page.get_by_role("heading", level=1).inner_text() == "We'll be back shortly"
    assert page.locator(".crisis-bar").is_visible()
    # the stylesheet loaded: the crisis bar sticks to the top, as site.css makes it
    assert page.locator(".crisis-bar").evaluate("e => getComputedStyle(e).position") == "sticky"
    assert not page.evaluate(SMALL_TARGETS)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shoot(page, f"outage-{size['width']}")
