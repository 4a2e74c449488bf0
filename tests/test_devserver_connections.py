"""The development server must not keep one PostgreSQL connection per thread: under
`runserver` CONN_MAX_AGE is 0, so each request closes its connection when it ends."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parents[1]
THREADS = 6


def _settings_conn_max_age(*argv: str) -> int:
    code = (
        "import sys; sys.argv = ['manage.py', *sys.argv[1:]]; "
        "import iop.settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
    )
    env = {**os.environ, "CONN_MAX_AGE": "60"}
    out = subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return int(out.stdout.strip())


def test_runserver_closes_connections_and_gunicorn_keeps_them():
    assert _settings_conn_max_age("runserver", "127.0.0.1:8000") == 0
    assert _settings_conn_max_age("migrate") == 60


def _wsgi_get(path: str) -> int:
    """A request through the WSGI handler as runserver calls it (the test client would
    keep connections open on purpose: it skips closing them at the end of a request)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    status = []
    body = WSGIHandler()(environ, lambda line, headers: status.append(line))
    try:
        b"".join(body)
    finally:
        body.close()  # the end of the request: Django closes what has to be closed
    return int(status[0].split()[0])


def _other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("max_age", "left_open"), [(0, 0), (60, THREADS)])
def test_sequential_requests_on_threads_leave_no_connection_behind(monkeypatch, max_age, left_open):
    """Each request on its own thread, as runserver serves kept-alive browser sockets;
    the threads stay alive (the sockets are open) while the connections are counted.
    With 60 s the leak shows, which is what makes the 0 s case mean something."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", max_age)
    before = _other_connections()
    done, release, statuses = [], threading.Event(), []

    def serve() -> None:
        statuses.append(_wsgi_get("/healthz"))
        done.append(1)
        release.wait(10)
        connections.close_all()

    threads = []
    for _ in range(THREADS):  # one after another, like a crawler's sequential requests
        thread = threading.Thread(target=serve)
        thread.start()
        threads.append(thread)
        while len(done) < len(threads):
            threading.Event().wait(0.01)
    try:
        assert statuses == [200] * THREADS
        assert _other_connections() - before == left_open
    finally:
        release.set()
        for thread in threads:
            thread.join(10)
