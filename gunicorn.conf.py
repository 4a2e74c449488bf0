"""gunicorn settings for iop, read from the environment: `gunicorn -c gunicorn.conf.py`.

Sizing (2 cores; the measurements are in docs/scaling.md, "Sizing gunicorn"): requests are
short and CPU-bound (templates, ORM) and PostgreSQL answers in about a millisecond.
gthread workers keep client connections alive; against sync workers (a new connection
per request) they used about a third less worker CPU per request and served up to twice
the requests per second, and a few processes with several threads beat many processes
on two cores. Default: cores + 1 processes x 4 threads.

Every worker (x threads) holds its own database connection for CONN_MAX_AGE seconds:
workers x threads x app servers must stay below PostgreSQL's max_connections, or put
PgBouncer in between (docs/scaling.md).
"""

import multiprocessing
import os


def _envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Where to listen. Behind a proxy on the same machine keep the loopback default.
bind = [
    os.environ.get(
        "GUNICORN_BIND",
        f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}",
    )
]

# cores + 1 processes, capped: more only add memory (~60 MB each) and connections.
workers = _envint("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 9))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _envint("GUNICORN_THREADS", 4)
keepalive = 5

# Load Django once in the master, then fork: workers share the code pages (less memory,
# faster start). No database connection is opened at import time, so none is shared.
preload_app = True

# Restart a worker after about this many requests, staggered so workers do not all
# restart at once: bounds the memory any slow leak can take.
max_requests = _envint("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _envint("GUNICORN_MAX_REQUESTS_JITTER", 200)

timeout = _envint("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20

# The heartbeat file on tmpfs: a disk-backed /tmp can stall workers under I/O load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Access log off by default (the proxy in front usually logs). GUNICORN_ACCESSLOG=- turns
# it on, with the path only (%(U)s): query strings never reach a log line.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# Addresses of the proxies allowed to say a request came over HTTPS (X-Forwarded-Proto).
# gunicorn reads FORWARDED_ALLOW_IPS itself; set it to the load balancer's address or
# network (e.g. 10.0.0.0/8), never "*" unless only the proxy can reach this port. Django
# also trusts X-Forwarded-Proto (settings.SECURE_PROXY_SSL_HEADER): the app port must
# be reachable from the proxy only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No runtime control socket: several servers (make serve, make bench) share one $HOME.
control_socket_disable = True

proc_name = "iop"
