"""gunicorn settings of the app tier (`gunicorn -c services/app/gunicorn.conf.py ...`).

Entry point: services.app.wsgi:app. Values can be tuned through VITRINE_* variables
(the same names in /etc/vitrine/app.env).
"""

import multiprocessing
import os
import sys
from pathlib import Path

# gunicorn reads this file before it puts the working directory on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from services.common.logs import gunicorn_logconfig  # noqa: E402

# --- Socket -------------------------------------------------------------------------------
# 127.0.0.1 locally; the EC2 env file sets 0.0.0.0:8081 so ALB #2 can reach it.
bind = os.environ.get("VITRINE_BIND", "127.0.0.1:8081")
backlog = 2048

# --- Workers ------------------------------------------------------------------------------
# gthread: sync workers close the connection after each response, which defeats the ALB's
# keep-alive; threads also keep one MySQL connection each, reused across requests.
worker_class = "gthread"
workers = int(os.environ.get("VITRINE_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("VITRINE_THREADS", "8"))
# Recycle workers now and then (with jitter, so they do not restart together).
max_requests = int(os.environ.get("VITRINE_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10

# --- Timeouts -----------------------------------------------------------------------------
# A request is bounded by the DB timeouts (seconds); this only catches a stuck worker.
timeout = int(os.environ.get("VITRINE_WORKER_TIMEOUT", "30"))
graceful_timeout = 20
# Longer than the ALB's 60 s idle timeout, so the ALB, not gunicorn, closes idle
# connections (otherwise the ALB may reuse a closing socket and answer 502).
keepalive = 75

# --- Logging ------------------------------------------------------------------------------
# The app writes one JSON access line per request itself (services.common.web);
# gunicorn's own messages go to stdout as JSON as well, for one log stream per instance.
accesslog = None
loglevel = os.environ.get("VITRINE_LOG_LEVEL", "info").lower()
logconfig_dict = gunicorn_logconfig("app")

# --- Process ------------------------------------------------------------------------------
proc_name = "vitrine-app"
# gunicorn >= 25 opens a control socket at one fixed path per user ($HOME/.gunicorn), which
# two services on one host (make local, the tests) would fight over; nothing here uses it.
control_socket_disable = True
# Load the app in each worker after fork, so no MySQL socket is ever shared across processes.
preload_app = False
