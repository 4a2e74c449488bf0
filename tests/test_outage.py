"""A real database outage: gunicorn on a loopback port in front of an embedded
PostgreSQL of its own (a copy of the test database), which the test stops and starts.
While it is down every page answers the styled 503 page quickly, /healthz says the
database is down and nothing is half-saved; once it is back the same worker serves
again by itself (its kept connection is checked before reuse). A database host that
accepts the connection and never answers costs the connect timeout, not a hang.

`pytest -m outage` runs these alone."""

from __future__ import annotations

import socket

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from accounts.outage import RETRY_AFTER_SECONDS
from tests.conftest import _client_for
from tests.programs.test_call_request import GOOD
from tests.servers import AppServer, Browser, ThrowawayPostgres, wait_for

pytestmark = [pytest.mark.outage, pytest.mark.django_db(transaction=True)]

PUBLIC = ["/", "/programs/intensive-outpatient/", "/faq/"]
STAFF = ["/staff/", "/intake/patients/", "/schedule/"]
# the connect timeout (DATABASE_CONNECT_TIMEOUT, 3 s) bounds a page; a stopped server
# refuses at once. The margin is for the page itself on a loaded machine.
SLOWEST = settings.DATABASE_CONNECT_TIMEOUT + 1.0


def _is_the_outage_page(answer) -> bool:
    return (
        answer.status == 503
        and "be back shortly" in answer.text
        and 'href="tel:988"' in answer.text
        and "1-800-662-4357" in answer.text
        and settings.CLINIC_PHONE in answer.text
        and answer.headers.get("retry-after") == str(RETRY_AFTER_SECONDS)
    )


@pytest.fixture
def outage_db(tmp_path):
    """A PostgreSQL of the test's own (the test copies the test database into it)."""
    pg = ThrowawayPostgres(tmp_path / "pg")
    try:
        yield pg
    finally:
        pg.remove()


@pytest.fixture
def silent_host():
    """A TCP port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def _signed_in_browser(user) -> Browser:
    session_key = _client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    return Browser(cookies={settings.SESSION_COOKIE_NAME: session_key})


def _inquiries(pg: ThrowawayPostgres) -> int:
    conn = psycopg2.connect(
        host=str(pg.socket_dir), port=pg.port, user="postgres", dbname="iop_outage"
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM intake_inquiry")
            return cursor.fetchone()[0]
    finally:
        conn.close()


def test_pages_answer_503_while_the_database_is_stopped_then_recover(
    intake_user, outage_db, tmp_path
):
    staff = _signed_in_browser(intake_user)  # committed, so the copy has the session
    outage_db.copy_database(connection.settings_dict, "iop_outage")
    server = AppServer(outage_db.url("iop_outage"), tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        visitor = Browser()
        assert visitor.get(server.port, "/").status == 200
        assert staff.get(server.port, "/staff/").status == 200
        before = _inquiries(outage_db)

        outage_db.stop()
        for path in PUBLIC:
            answer = visitor.get(server.port, path)
            assert _is_the_outage_page(answer), (path, answer.status)
            assert answer.seconds < SLOWEST
        for path in STAFF:
            answer = staff.get(server.port, path)
            assert _is_the_outage_page(answer), (path, answer.status)
            assert answer.seconds < SLOWEST
        health = visitor.get(server.port, "/healthz")
        assert (health.status, health.text) == (503, "database unavailable\n")
        sent = visitor.post(server.port, "/request-a-call/", GOOD)
        assert _is_the_outage_page(sent)

        outage_db.start()
        wait_for(
            lambda: visitor.get(server.port, "/healthz").status == 200,
            seconds=20,
            what="/healthz answers 200 again once PostgreSQL is back",
        )
        assert visitor.get(server.port, PUBLIC[1]).status == 200
        assert staff.get(server.port, "/staff/").status == 200  # the same session
        assert _inquiries(outage_db) == before  # the call request sent during it: not saved
    finally:
        server.stop()
    log = server.log_text()
    assert "Service Unavailable: /" in log and "OperationalError" in log
    # the first failure with its traceback, then a line a minute (iop/logfilters.py);
    # the health probe's own warning, not an error per probe
    assert log.count("ERROR django.request") == 1
    assert "healthz: database check failed (OperationalError)" in log
    assert staff.cookies[settings.SESSION_COOKIE_NAME] not in log


def test_a_database_that_never_answers_costs_the_connect_timeout(silent_host, tmp_path):
    server = AppServer(f"postgres://iop@127.0.0.1:{silent_host}/iop", tmp_path / "gunicorn.log")
    try:
        server.wait_ready()  # /healthz answers (503) within the timeout: the server is up
        visitor = Browser()
        health = visitor.get(server.port, "/healthz")
        assert health.status == 503
        assert settings.DATABASE_CONNECT_TIMEOUT - 0.5 < health.seconds < SLOWEST
        answer = visitor.get(server.port, "/")
        assert _is_the_outage_page(answer)
        assert answer.seconds < SLOWEST
    finally:
        server.stop()
