"""gunicorn settings for the cache tier: `gunicorn -c services/cache/gunicorn.conf.py
services.cache.wsgi:app` from the repository root (locally) or /opt/vitrine/current (EC2)."""

import multiprocessing
import os
import shutil
import sys
import tempfile
from pathlib import Path

# gunicorn reads this file before it puts the working directory on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from services.common.logs import gunicorn_logconfig  # noqa: E402

# -- Server socket ---------------------------------------------------------------------------
# 127.0.0.1:8080 locally; the EC2 unit sets VITRINE_BIND=0.0.0.0:8080 for ALB #1.
bind = os.environ.get("VITRINE_BIND", "127.0.0.1:8080")
backlog = 2048

# -- Worker processes ------------------------------------------------------------------------
# gthread: sync workers close the connection after every response, which defeats the ALB's
# keep-alive. Threads suit this I/O-bound proxy: most of a request is waiting on Redis or on
# the app tier (or on another request's fetch of the same key, when coalesced).
worker_class = "gthread"
workers = int(os.environ.get("VITRINE_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("VITRINE_THREADS", "32"))
worker_connections = 1000
# Worse than the upstream timeout (5 s) plus a coalesced wait (7 s): only hung workers die.
timeout = 30
graceful_timeout = 20
# Longer than the ALB's 60 s idle timeout, so the ALB always closes first (no 502 races).
keepalive = 75
# Recycle workers now and then (jittered so they do not restart together).
max_requests = 100_000
max_requests_jitter = 10_000

# -- Logging ---------------------------------------------------------------------------------
# The app writes JSON access lines itself (services/common/web.py); gunicorn's own go to
# stdout as JSON too, for journald / the CloudWatch agent.
accesslog = None
loglevel = os.environ.get("VITRINE_LOG_LEVEL", "info").lower()
logconfig_dict = gunicorn_logconfig("cache")

# -- Process naming --------------------------------------------------------------------------
proc_name = "vitrine-cache"
# gunicorn >= 25 opens a control socket at one fixed path per user ($HOME/.gunicorn), which
# two services on one host (make local, the tests) would fight over, and which the systemd
# unit's ProtectHome forbids; nothing here uses it.
control_socket_disable = True


# -- Server hooks ----------------------------------------------------------------------------
_metrics_dir_created = None


def on_starting(server):
    """Give this master's workers a fresh directory for their metric files (metrics.py);
    workers fork from the master, so they inherit the variable."""
    global _metrics_dir_created
    if not os.environ.get("VITRINE_METRICS_DIR"):
        _metrics_dir_created = tempfile.mkdtemp(prefix="vitrine-cache-metrics-")
        os.environ["VITRINE_METRICS_DIR"] = _metrics_dir_created
    server.log.info("metrics dir %s", os.environ["VITRINE_METRICS_DIR"])


def on_exit(server):
    """Remove the metrics directory if this master made it."""
    if _metrics_dir_created:
        shutil.rmtree(_metrics_dir_created, ignore_errors=True)
