"""Two app servers behind one imaginary load balancer: two gunicorn servers on the test
database and one Redis (Debian's redis-server on a free loopback port, CACHE_URL), and
one visitor whose requests land on either. What one server learns, the other knows: a
sign-in lockout, a call-request limit, a password-reset limit (kept in the cache), a
sign-out and a catalog edit made through one hold on the other.

One set-up for the whole story (servers start once). `pytest -m twoservers` runs it alone.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from intake.models import Inquiry
from programs.models import Program
from tests.conftest import _client_for
from tests.factories import TEST_PASSWORD
from tests.programs.test_call_request import GOOD
from tests.servers import AppServer, Browser, RedisServer, csrf_token, form_values

pytestmark = [pytest.mark.twoservers, pytest.mark.django_db(transaction=True)]

LIMITS = {
    "LOGIN_FAILURE_LIMIT": "3",
    "CALL_REQUESTS_PER_HOUR": "2",
    "PASSWORD_RESETS_PER_ADDRESS": "2",
}


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        user += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="")
    return f"postgres://{user}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def servers(tmp_path):
    redis = RedisServer(tmp_path)
    started: list[AppServer] = []
    try:
        for name in ("a", "b"):
            started.append(
                AppServer(
                    _database_url(),
                    tmp_path / f"gunicorn-{name}.log",
                    CACHE_URL=redis.url,
                    **LIMITS,
                )
            )
        for server in started:
            server.wait_ready()
        yield started[0].port, started[1].port
    finally:
        for server in started:
            server.stop()
        redis.stop()


def _session_of(user) -> Browser:
    key = _client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    return Browser(cookies={settings.SESSION_COOKIE_NAME: key})


def _sign_in(browser: Browser, port: int, username: str, password: str):
    page = browser.get(port, "/staff/login/")
    form = {"csrfmiddlewaretoken": csrf_token(page.text), "username": username}
    return browser.post(port, "/staff/login/", {**form, "password": password})


def _lockout_holds_on_the_other_server(a: int, b: int, username: str) -> None:
    visitor = Browser()
    limit = int(LIMITS["LOGIN_FAILURE_LIMIT"])
    tries = [_sign_in(visitor, a, username, "not-the-password").status for _ in range(limit)]
    assert tries == [200] * (limit - 1) + [429]  # the last wrong one locks the username
    refused = _sign_in(Browser(), b, username, TEST_PASSWORD)  # right password, other server
    assert refused.status == 429
    assert "retry-after" in refused.headers


def _call_limit_holds_on_the_other_server(a: int, b: int) -> None:
    visitor = Browser()
    for _ in range(int(LIMITS["CALL_REQUESTS_PER_HOUR"])):
        assert visitor.post(a, "/request-a-call/", GOOD).status == 302
    refused = visitor.post(b, "/request-a-call/", GOOD)
    assert refused.status == 429
    assert "could not take another one just now" in refused.text
    assert Inquiry.objects.count() == int(LIMITS["CALL_REQUESTS_PER_HOUR"])


def _reset_limit_holds_on_the_other_server(a: int, b: int) -> None:
    """Counted in the cache only (accounts/throttle.py): this is what needs CACHE_URL."""
    visitor = Browser()
    for port in (a, b)[: int(LIMITS["PASSWORD_RESETS_PER_ADDRESS"])]:
        page = visitor.get(port, "/staff/password-reset/")
        form = {"csrfmiddlewaretoken": csrf_token(page.text), "email": "someone@example.com"}
        assert visitor.post(port, "/staff/password-reset/", form).status == 302
    page = visitor.get(a, "/staff/password-reset/")
    form = {"csrfmiddlewaretoken": csrf_token(page.text), "email": "someone@example.com"}
    assert visitor.post(a, "/staff/password-reset/", form).status == 429


def _sign_out_holds_on_the_other_server(a: int, b: int, user) -> None:
    staff = _session_of(user)
    key = staff.cookies[settings.SESSION_COOKIE_NAME]
    home = staff.get(a, "/staff/")
    assert home.status == 200
    assert staff.get(b, "/staff/").status == 200
    signed_out = staff.post(a, "/staff/logout/", {"csrfmiddlewaretoken": csrf_token(home.text)})
    assert signed_out.status == 302
    # the sign-out deleted the cookie; a tab still holding the old key gets nowhere on B
    staff.cookies[settings.SESSION_COOKIE_NAME] = key
    again = staff.get(b, "/staff/")
    assert again.status == 302 and "/staff/login/" in again.headers["location"]


def _catalog_edit_shows_on_the_other_server(a: int, b: int, admin) -> None:
    program = Program.objects.get(slug="intensive-outpatient")
    page = f"/programs/{program.slug}/"
    visitor = Browser()
    assert program.name in visitor.get(b, page).text  # B has it cached now
    editor = _session_of(admin)
    change = f"/admin/programs/program/{program.pk}/change/"
    form = form_values(editor.get(a, change).text, "program_form")
    form["name"] = ["Evening Intensive Outpatient"]
    saved = editor.post(a, change, form)
    assert saved.status == 302, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', saved.text)
    assert "Evening Intensive Outpatient" in visitor.get(b, page).text
    assert "Evening Intensive Outpatient" in visitor.get(a, page).text


def test_what_one_server_learns_the_other_knows(servers, intake_user, counselor, site_admin):
    a, b = servers
    _lockout_holds_on_the_other_server(a, b, intake_user.username)
    _call_limit_holds_on_the_other_server(a, b)
    _reset_limit_holds_on_the_other_server(a, b)
    _sign_out_holds_on_the_other_server(a, b, counselor)
    _catalog_edit_shows_on_the_other_server(a, b, site_admin)
