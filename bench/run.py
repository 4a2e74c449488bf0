"""Benchmark iop: page timings at three data sizes, then a load run under gunicorn.

    make bench                                   # all sizes, 60 s load runs
    make bench BENCH_ARGS="--quick"              # small size, 10 s load runs: a try-out
    scripts/withdb.py '.venv/bin/python bench/run.py --sizes small,clinic --no-load'

Starts from an empty database (`iop_bench` on the server DATABASE_URL points at; it is
dropped and created again), migrates it, then for each size in turn seeds it
(`manage.py seed_demo --size ...`; sizes build on each other) and times every page
in-process with django.test.Client: median and 95th percentile over --requests runs after
--warmup runs, SQL queries, response size, and the ratio to a trivial view (/healthz)
measured in the same run. Then it starts gunicorn (gunicorn.conf.py, DEBUG=0, static
files collected and served by whitenoise) on 127.0.0.1 and runs wrk against a static
file (the ceiling), the home page, a program page and a counselor's week; prints
requests/s, p95 latency, errors and each worker's memory. The performance targets are
printed next to the numbers. The report goes to stdout and to bench/results/latest.md.

Only loopback traffic; every loop and every child process is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import runpy
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
SIZES = ("small", "clinic", "large")
DEFAULT_OUTPUT = BENCH / "results" / "latest.md"
QUICK_OUTPUT = ROOT / "artifacts" / "bench" / "quick.md"

# The performance targets (2-core machine): (page, size, median under ms, a note)
TIMING_TARGETS = (
    ("program's week", "clinic", 30, ""),
    ("program's week", "large", 100, ""),
    ("iCal feed (unchanged)", "large", 20, ""),
    ("iCal feed (rebuilt)", "large", 100, ""),
    ("counselor's week", "large", 30, ""),
    ("patient search", "large", 30, ""),
    ("group note (12 patients)", "clinic", 50, ""),
    ("treatment plan", "clinic", 50, ""),
    ("chart timeline (longest stay)", "clinic", 50, ""),
    ("director's dashboard", "large", 300, ""),
)
COUNSELOR_WEEK_RPS = 150  # under gunicorn at --connections (50)
COUNSELOR_WEEK_P99_MS = 1000
PUBLIC_VS_STATIC = 0.5
WORKER_RSS_MB = 150
PUBLIC_PAGES = ("home", "program page")  # the load run's public pages


# --- database -------------------------------------------------------------------------


def with_db_name(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _admin_connection(url: str):
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=unquote(parts.hostname or "") or None,
        port=parts.port,
    )
    conn.autocommit = True
    return conn


def recreate_database(url: str, name: str) -> None:
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def drop_database(url: str, name: str) -> None:
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def server_version(url: str) -> str:
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
    conn.close()
    return version


# --- children -------------------------------------------------------------------------


def production_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run(cmd: list[str], env: dict[str, str], timeout: float, capture: bool = False) -> str:
    result = subprocess.run(
        cmd,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
    )
    if result.returncode != 0:
        detail = (result.stderr or "")[-3000:] if capture else ""
        raise SystemExit(f"bench: `{shlex.join(cmd)}` failed ({result.returncode})\n{detail}")
    return result.stdout or ""


def manage(*args: str, env: dict[str, str], timeout: float = 1800, capture=False) -> str:
    return run([PY, "manage.py", *args], env, timeout, capture)


def seed(size: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    if "--size" in manage("seed_demo", "--help", env=env, capture=True):
        manage("seed_demo", "--size", size, env=env, capture=True)
    elif size == "small":
        manage("seed_demo", env=env, capture=True)
    else:
        raise SystemExit(f"bench: seed_demo has no --size option yet, so no {size} data")
    return time.perf_counter() - started


def _measure_args(args: argparse.Namespace) -> list[str]:
    found = ["measure", "--requests", str(args.requests), "--warmup", str(args.warmup)]
    if args.pages:
        found += ["--pages", args.pages]
    if args.profile:
        found += ["--profile", str(args.profile)]
    return found


def pages_json(args: list[str], env: dict[str, str], timeout: float = 1800) -> dict:
    out = run([PY, str(BENCH / "pages.py"), *args], env, timeout, capture=True)
    return json.loads(out.strip().splitlines()[-1])


# --- load run -------------------------------------------------------------------------


@dataclass
class Load:
    name: str
    path: str | None
    missing: str = ""
    result: dict | None = None
    error: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str], timeout: float = 10) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("bench: gunicorn exited during start-up (see its log above)")
        try:
            if _get(port, "/healthz", {}, timeout=2) == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("bench: gunicorn did not answer /healthz within 60 s")


class RssSampler(threading.Thread):
    """Peak resident memory of each worker while wrk runs (workers may be recycled)."""

    def __init__(self, master_pid: int) -> None:
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        import psutil

        master = psutil.Process(self.master_pid)
        while not self._done.wait(0.5):
            for child in master.children():
                try:
                    self.peak_mb = max(self.peak_mb, child.memory_info().rss / 2**20)
                except psutil.Error:
                    continue

    def stop(self) -> float:
        self._done.set()
        self.join(timeout=5)
        return self.peak_mb


def _worker_cpu_seconds(master_pid: int) -> float:
    """CPU time of all workers so far, those already recycled included (noise-proof:
    other processes on the machine change req/s, not the CPU a request costs)."""
    import psutil

    master = psutil.Process(master_pid)
    reaped = master.cpu_times()
    total = reaped.children_user + reaped.children_system
    for child in master.children():
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _wrk(port: int, path: str, headers: dict[str, str], seconds: int, connections: int) -> dict:
    cmd = [os.environ.get("WRK", "wrk"), "-t", "2", "-c", str(connections), "-d", f"{seconds}s"]
    cmd += ["--timeout", "10s", "--latency", "-s", str(BENCH / "wrk_report.lua")]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 60, check=False
    ).stdout
    match = re.search(r"^BENCH_JSON (.*)$", out, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no summary:\n{out[-2000:]}")
    result = json.loads(match.group(1))
    seconds_run = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / seconds_run if seconds_run else 0.0
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def load_run(env: dict[str, str], args: argparse.Namespace, workdir: Path) -> dict:
    import psutil

    if shutil.which(os.environ.get("WRK", "wrk")) is None:
        raise SystemExit("bench: wrk is not installed (bash bench/ensure_wrk.sh), or --no-load")
    targets = pages_json(["load-targets"], env)
    cookie = {"Cookie": targets["cookie"]} if "cookie" in targets else {}
    loads = []
    for name, key in (
        ("static file (ceiling)", "static"),
        ("trivial view /healthz", "healthz"),
        ("home", "home"),
        ("program page", "program"),
        ("counselor's week", "counselor's week"),
    ):
        value = targets.get(key)
        if isinstance(value, dict):
            loads.append(Load(name, None, missing=value["missing"]))
        else:
            loads.append(Load(name, value))

    loadavg = os.getloadavg()[0]
    port = _free_port()
    genv = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    log_path = workdir / "gunicorn.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "iop.wsgi"],
            env=genv,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    peak = 0.0
    try:
        _wait_healthy(port, proc)
        time.sleep(1)  # let every worker finish booting
        for load in loads:
            if load.path is None:
                continue
            headers = cookie if load.name == "counselor's week" else {}
            status = _get(port, load.path, headers)
            if status != 200:
                load.error = f"HTTP {status} before the run"
                continue
            if args.load_warmup:
                _wrk(port, load.path, headers, args.load_warmup, args.connections)
            sampler = RssSampler(proc.pid)
            sampler.start()
            cpu_before = _worker_cpu_seconds(proc.pid)
            try:
                load.result = _wrk(port, load.path, headers, args.duration, args.connections)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                load.error = str(exc)[:300]
            else:
                cpu = _worker_cpu_seconds(proc.pid) - cpu_before
                load.result["cpu_ms"] = 1000 * cpu / max(load.result["requests"], 1)
            peak = max(peak, sampler.stop())
            if load.result and _get(port, load.path, headers) != 200:
                load.error = "the page stopped answering 200 during the run"
        workers = []
        for child in psutil.Process(proc.pid).children():
            try:
                info = child.memory_full_info()
                workers.append(
                    {"pid": child.pid, "rss_mb": info.rss / 2**20, "uss_mb": info.uss / 2**20}
                )
            except psutil.Error:
                continue
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return {
        "loads": loads,
        "workers": workers,
        "peak_rss_mb": peak,
        "loadavg": loadavg,
        "config": {
            "workers": config.get("workers"),
            "worker_class": config.get("worker_class"),
            "threads": config.get("threads"),
            "max_requests": config.get("max_requests"),
        },
        "log_tail": log_path.read_text()[-1500:],
    }


# --- report ---------------------------------------------------------------------------


def _fmt_ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def page_table(sizes: list[str], measured: dict[str, dict]) -> list[str]:
    lines = [
        "| page | size | median ms | p95 ms | x floor | queries | KB | CPU ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = [p["page"] for p in measured[sizes[0]]["pages"]]
    for index, name in enumerate([measured[sizes[0]]["floor"]["page"], *names]):
        for size in sizes:
            run_ = measured[size]
            floor = run_["floor"]
            row = floor if index == 0 else run_["pages"][index - 1]
            if row["status"] != "ok":
                lines.append(f"| {name} | {size} | {row['status']}: {row['reason']} | | | | | |")
                continue
            ratio = row["median_ms"] / floor["median_ms"] if floor.get("median_ms") else 0
            queries = f"{row['queries']}{' (varies)' if row['queries_vary'] else ''}"
            lines.append(
                f"| {name} | {size} | {_fmt_ms(row['median_ms'])} | {_fmt_ms(row['p95_ms'])} "
                f"| {ratio:.1f} | {queries} | {row['bytes'] / 1024:.1f} "
                f"| {_fmt_ms(row['cpu_ms'])} |"
            )
    return lines


def data_table(sizes: list[str], measured: dict[str, dict], seeded: dict[str, float]) -> list[str]:
    keys: list[str] = []
    for size in sizes:
        keys += [k for k in measured[size]["data"] if k not in keys]
    lines = ["| | " + " | ".join(sizes) + " |", "|---|" + "---:|" * len(sizes)]
    lines.append("| seeding time (s) | " + " | ".join(f"{seeded[s]:.1f}" for s in sizes) + " |")
    for key in keys:
        values = [f"{measured[s]['data'].get(key, '')}" for s in sizes]
        lines.append(f"| {key} | " + " | ".join(values) + " |")
    return lines


def load_table(load: dict) -> list[str]:
    lines = [
        "| target | req/s | p50 ms | p95 ms | p99 ms | errors | x static | worker CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    static = load["loads"][0].result
    for item in load["loads"]:
        if item.missing or item.error:
            lines.append(f"| {item.name} | {item.missing or item.error} | | | | | | |")
            continue
        r = item.result
        ratio = r["rps"] / static["rps"] if static and static["rps"] else 0
        errors = r["errors"]
        detail = ", ".join(
            f"{k} {r[k]}" for k in ("status", "connect", "read", "write", "timeout") if r[k]
        )
        lines.append(
            f"| {item.name} | {r['rps']:.0f} | {r['p50_us'] / 1000:.1f} | {r['p95_us'] / 1000:.1f} "
            f"| {r['p99_us'] / 1000:.1f} | {errors}{f' ({detail})' if detail else ''} "
            f"| {ratio:.2f} | {r['cpu_ms']:.2f} |"
        )
    return lines


def _page(measured: dict, size: str, name: str) -> dict | None:
    if size not in measured:
        return None
    return next((p for p in measured[size]["pages"] if p["page"] == name), None)


def _timing_target(measured: dict, size: str, name: str, limit: float) -> tuple[str, str]:
    row = _page(measured, size, name)
    if row is None:
        return f"not run at {size} size", "n/a"
    if row["status"] != "ok":
        return f"{row['status']}: {row['reason']}", "n/a"
    verdict = "PASS" if row["median_ms"] < limit else "MISS"
    return f"{row['median_ms']:.1f} ms median", verdict


def targets(sizes: list[str], measured: dict, load: dict | None) -> list[tuple[str, str, str]]:
    rows = []
    # query counts equal at every size
    differing, compared = [], 0
    for index, row in enumerate(measured[sizes[0]]["pages"]):
        counts = [
            measured[s]["pages"][index].get("queries")
            for s in sizes
            if measured[s]["pages"][index]["status"] == "ok"
        ]
        if len(counts) < 2:
            continue
        compared += 1
        if len(set(counts)) > 1:
            differing.append(f"{row['page']} {'/'.join(map(str, counts))}")
    if compared == 0 or len(sizes) < 2:
        rows.append(("every page's query count the same at each size", "needs 2+ sizes", "n/a"))
    else:
        rows.append(
            (
                "every page's query count the same at each size",
                f"{compared} pages compared"
                + (f"; differ: {'; '.join(differing)}" if differing else ""),
                "MISS" if differing else "PASS",
            )
        )
    for name, size, limit, issue in TIMING_TARGETS:
        label = f"{name} at {size} size < {limit} ms median" + (f" ({issue})" if issue else "")
        rows.append((label, *_timing_target(measured, size, name, limit)))
    if load is None:
        rows.append(
            ("public pages >= half the static file's req/s, 0 errors", "load run skipped", "n/a")
        )
        rows.append(
            (
                f"gunicorn worker RSS < {WORKER_RSS_MB} MB after the load run",
                "load run skipped",
                "n/a",
            )
        )
        rows.append(("counselor's week under gunicorn", "load run skipped", "n/a"))
        return rows
    static = load["loads"][0].result
    for item in (x for x in load["loads"] if x.name in PUBLIC_PAGES):
        label = f"{item.name} under gunicorn >= {PUBLIC_VS_STATIC:.0%} of static req/s, 0 errors"
        if item.result is None or static is None:
            rows.append((label, item.missing or item.error or "static file failed", "n/a"))
            continue
        ratio = item.result["rps"] / static["rps"]
        ok = ratio >= PUBLIC_VS_STATIC and item.result["errors"] == 0
        rows.append(
            (
                label,
                f"{ratio:.2f} x static, {item.result['errors']} errors",
                "PASS" if ok else "MISS",
            )
        )
    rows.append(counselor_week_load(load))
    if load["workers"]:
        worst = max(w["rss_mb"] for w in load["workers"])
        rows.append(
            (
                f"gunicorn worker RSS < {WORKER_RSS_MB} MB after the load run",
                f"max {worst:.0f} MB after, {load['peak_rss_mb']:.0f} MB peak during",
                "PASS" if max(worst, load["peak_rss_mb"]) < WORKER_RSS_MB else "MISS",
            )
        )
    return rows


def counselor_week_load(load: dict) -> tuple[str, str, str]:
    label = (
        f"counselor's week under gunicorn >= {COUNSELOR_WEEK_RPS} req/s, "
        f"p99 < {COUNSELOR_WEEK_P99_MS / 1000:g} s, 0 errors"
    )
    item = next((x for x in load["loads"] if x.name == "counselor's week"), None)
    if item is None or item.result is None:
        return label, (item.missing or item.error) if item else "not run", "n/a"
    r = item.result
    ok = (
        r["rps"] >= COUNSELOR_WEEK_RPS
        and r["p99_us"] / 1000 < COUNSELOR_WEEK_P99_MS
        and r["errors"] == 0
    )
    measured = f"{r['rps']:.0f} req/s, p99 {r['p99_us'] / 1000:.0f} ms, {r['errors']} errors"
    return label, measured, "PASS" if ok else "MISS"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        mem = f", {psutil.virtual_memory().total / 2**30:.0f} GB RAM"
    except ImportError:
        mem = ""
    return f"{os.cpu_count()} cores ({cpu}){mem}"


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def render(
    args: argparse.Namespace,
    sizes: list[str],
    measured: dict,
    seeded: dict,
    load: dict | None,
    pg_version: str,
) -> str:
    import django

    command = shlex.join(["bench/run.py", *sys.argv[1:]])
    out = [
        "# iop benchmark",
        "",
        f"Command: `scripts/withdb.py '.venv/bin/python {command}'`"
        + (" (= `make bench`)" if not sys.argv[1:] else ""),
        "",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}",
        f"- machine: {machine()}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, PostgreSQL {pg_version} (same machine, unix socket)",
        f"- pages: in-process django.test.Client with DEBUG=0, {args.warmup} warm-up then "
        f"{args.requests} timed requests each; p95 by nearest rank; queries from "
        "CaptureQueriesContext; floor = /healthz (one SELECT 1) in the same run; CPU ms = "
        "median CPU time of the Python process per request (excludes PostgreSQL's time, and "
        "barely moves when other processes share the cores)",
        f"- cache: {args.cache_line}",
        f"- machine load average (1 min) when the run started: {args.loadavg:.1f}"
        + (
            f" (other processes were using the {os.cpu_count()} cores: wall-clock times and "
            "req/s are inflated, the CPU columns are the steadier figures; rerun on a quiet "
            "machine before reading a MISS on a timing target)"
            if args.loadavg > 1.5
            else ""
        ),
        "",
        "## Data",
        "",
        *data_table(sizes, measured, seeded),
        "",
        "## Pages",
        "",
        *page_table(sizes, measured),
        "",
    ]
    if load is not None:
        c = load["config"]
        out += [
            "## Load (gunicorn, DEBUG=0, whitenoise)",
            "",
            f"wrk from a second process, 2 threads, {args.connections} connections, "
            f"{args.duration} s per target after {args.load_warmup} s warm-up, 127.0.0.1; "
            f"gunicorn {c['workers']} x {c['worker_class']} workers"
            + (f" x {c['threads']} threads" if (c["threads"] or 1) > 1 else "")
            + f", max_requests {c['max_requests']}; data: {sizes[-1]} size; machine load "
            f"average {load['loadavg']:.1f} before the runs. Worker CPU ms/req is the workers' "
            "CPU time over requests served: unlike req/s it does not move when other "
            "processes share the cores.",
            "",
            *load_table(load),
            "",
            "Worker memory after the run (RSS / unique): "
            + ", ".join(f"{w['rss_mb']:.0f} / {w['uss_mb']:.0f} MB" for w in load["workers"])
            + f"; peak RSS of any worker during the runs: {load['peak_rss_mb']:.0f} MB.",
            "",
        ]
    out += [
        "## Targets (2-core machine)",
        "",
        "| target | measured | result |",
        "|---|---|---|",
    ]
    out += [f"| {a} | {b} | {c} |" for a, b, c in targets(sizes, measured, load)]
    out.append("")
    return "\n".join(out)


# --- main -----------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark iop pages at three data sizes and under gunicorn load.",
        epilog="Run through scripts/withdb.py (it sets DATABASE_URL).",
    )
    parser.add_argument("--sizes", default=None, help="comma-separated, of small,clinic,large")
    parser.add_argument(
        "--quick", action="store_true", help="small size, fewer requests, 10 s load"
    )
    parser.add_argument("--requests", type=int, default=None, help="timed requests per page (30)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed requests first (5)")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn + wrk")
    parser.add_argument("--duration", type=int, default=None, help="seconds per wrk run (60)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--db-name", default="iop_bench")
    parser.add_argument(
        "--cache",
        choices=("redis", "local"),
        default="redis",
        help="redis (default): a throwaway redis-server on loopback as CACHE_URL, as a "
        "deployment of more than one worker runs; local: no CACHE_URL (local memory, "
        "schedule builds not kept)",
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep the benchmark database's data"
    )
    parser.add_argument("--keep-db", action="store_true", help="leave the database when done")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument(
        "--pages",
        default="",
        help="comma-separated: time only the pages whose name contains one (e.g. 'group note')",
    )
    parser.add_argument(
        "--profile", type=Path, default=None, help="write a cProfile (.prof) of each page here"
    )
    args = parser.parse_args(argv)
    sizes = (args.sizes or ("small" if args.quick else ",".join(SIZES))).split(",")
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s): {', '.join(unknown)}")
    args.size_list = [s for s in SIZES if s in sizes]  # always smallest first
    args.requests = args.requests or (10 if args.quick else 30)
    args.warmup = args.warmup if args.warmup is not None else (3 if args.quick else 5)
    args.duration = args.duration or (10 if args.quick else 60)
    args.load_warmup = 2 if args.quick else 5
    args.output = args.output or (QUICK_OUTPUT if args.quick else DEFAULT_OUTPUT)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.db_name):
        parser.error("--db-name: lower-case letters, digits and _ only")
    return args


def _stop(signum, frame) -> None:
    # SIGTERM unwinds like Ctrl-C: gunicorn is stopped and the database dropped
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _stop)
    args = parse_args(argv)
    args.loadavg = os.getloadavg()[0]
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("bench: DATABASE_URL is unset: run through scripts/withdb.py (make bench)")
    if urlsplit(base_url).path.lstrip("/") == args.db_name:
        raise SystemExit("bench: --db-name must not be the application's own database")
    bench_url = with_db_name(base_url, args.db_name)
    env = production_env(bench_url)
    pg_version = server_version(base_url)
    with tempfile.TemporaryDirectory(prefix="iop-bench-cache-") as cache_dir:
        redis = start_cache(args, env, Path(cache_dir))
        try:
            return bench(args, base_url, env, pg_version)
        finally:
            if redis is not None:
                redis.stop()


def start_cache(args: argparse.Namespace, env: dict[str, str], work_dir: Path):
    """The cache every child process shares: a fresh redis-server of its own (never one
    holding another database's sessions or builds), or none with --cache local."""
    env.pop("CACHE_URL", None)
    env.pop("SCHEDULE_CACHE", None)  # its default follows CACHE_URL, as in production
    if args.cache == "local":
        args.cache_line = "local memory per process (no CACHE_URL): schedule builds not kept"
        return None
    if shutil.which("redis-server") is None:
        raise SystemExit("bench: redis-server is missing (bash scripts/ensure_redis.sh)")
    sys.path.insert(0, str(ROOT))
    from tests.servers import RedisServer

    redis = RedisServer(work_dir)
    env["CACHE_URL"] = redis.url
    version = run(["redis-server", "--version"], env, 10, capture=True).split()
    args.cache_line = (
        f"Redis {next((v[2:] for v in version if v.startswith('v=')), '?')} on loopback as "
        "CACHE_URL, a fresh one per run (sessions, rate limits, catalog version, schedule "
        "builds kept: SCHEDULE_CACHE on), as a deployment of more than one worker runs"
    )
    return redis


def bench(args: argparse.Namespace, base_url: str, env: dict[str, str], pg_version: str) -> int:
    if not args.reuse_db:
        print(f"bench: creating an empty database {args.db_name}", flush=True)
        recreate_database(base_url, args.db_name)
    try:
        manage("migrate", "--noinput", env=env, capture=True)
        manage("collectstatic", "--noinput", "--verbosity", "0", env=env, capture=True)
        measured, seeded = {}, {}
        for size in args.size_list:
            print(f"bench: seeding {size}...", flush=True)
            seeded[size] = seed(size, env)
            print(f"bench: seeded {size} in {seeded[size]:.1f} s; timing pages...", flush=True)
            measured[size] = pages_json(_measure_args(args), env)
        load = None
        if not args.no_load:
            print(f"bench: load run, {args.duration} s per target...", flush=True)
            with tempfile.TemporaryDirectory(prefix="iop-bench-") as tmp:
                load = load_run(env, args, Path(tmp))
        report = render(args, args.size_list, measured, seeded, load, pg_version)
    finally:
        if not args.keep_db:
            drop_database(base_url, args.db_name)
    print()
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    print(f"bench: written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
