"""Run the vitrine services under real gunicorn for integration tests.

`run_gunicorn("services.app.wsgi:app", "services/app/gunicorn.conf.py", env)` starts a
service on a free port, waits until its /healthz answers, and captures its stdout (the JSON
logs) to a file. `AppTier` adds a fresh, migrated, seeded database and counts the requests
that reach it, which is how the cache-tier tests prove request coalescing.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
APP_WSGI = "services.app.wsgi:app"
APP_GUNICORN_CONF = "services/app/gunicorn.conf.py"


class GunicornService:
    """One gunicorn master on 127.0.0.1:port; stop() and start() keep the port and log file."""

    def __init__(
        self,
        module_app: str,
        config_path: str,
        env: dict[str, str] | None = None,
        port: int | None = None,
        *,
        workers: int = 2,
        threads: int = 8,
        health_path: str = "/healthz",
    ) -> None:
        self.module_app = module_app
        self.config_path = str(ROOT / config_path)
        self.port = port or free_port()
        self.health_path = health_path
        # Command-line options override the config file, whatever the service's config reads.
        self.options = [
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            f"--threads={threads}",
            # gunicorn >= 25 shares one control socket path per user between all instances.
            "--no-control-socket",
        ]
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
            "VITRINE_BIND": f"127.0.0.1:{self.port}",
        }
        fd, name = tempfile.mkstemp(prefix="vitrine-gunicorn-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> GunicornService:
        """Start gunicorn and return once health_path answers 200 (raise with the log if not)."""
        if self.proc is not None and self.proc.poll() is None:
            return self
        app = self.module_app
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", self.config_path, *self.options, app],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + self.health_path, timeout=1) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"{self.module_app} not healthy after {timeout:.0f}s:\n{self.tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop gunicorn gracefully (SIGTERM), killing it if it lingers."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def close(self) -> None:
        """Stop and delete the log file."""
        self.stop()
        self.log_path.unlink(missing_ok=True)

    def tail(self, lines: int = 40) -> str:
        """The last lines of the captured output, for failure messages."""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_entries(self) -> list[dict]:
        """Every JSON log line written so far (non-JSON lines are skipped)."""
        entries = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    continue
        return entries

    def __enter__(self) -> GunicornService:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run_gunicorn(
    module_app: str,
    config_path: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
    **options,
) -> GunicornService:
    """Start a gunicorn-served service and return it (also usable as a context manager)."""
    return GunicornService(module_app, config_path, env, port, **options).start()


class AppTier(GunicornService):
    """The app tier under gunicorn on its own fresh, migrated, seeded MariaDB database.

    Counting: every request the app tier serves writes one JSON access line
    (`"msg": "request"`, with method, path, status) to stdout *before* its response leaves,
    and stdout of all workers goes to one file, so `requests()` counts requests exactly
    across worker processes and threads; `mark()` starts a new count.
    """

    def __init__(
        self,
        mariadb,
        database: str,
        *,
        products: int = 1200,
        env: dict[str, str] | None = None,
        **options,
    ) -> None:
        self.db_url = mariadb.create_database(database)
        self.admin_token = secrets.token_urlsafe(24)
        self.products = products
        base = {"VITRINE_DB_URL": self.db_url, "VITRINE_ADMIN_TOKEN": self.admin_token}
        super().__init__(APP_WSGI, APP_GUNICORN_CONF, {**base, **(env or {})}, **options)
        self._mark = 0
        self._prepared = False

    def start(self, timeout: float = 30.0) -> AppTier:
        """Migrate and seed (first time only) with the CLI, then start gunicorn."""
        if not self._prepared:
            for command in (["migrate"], ["seed", "--products", str(self.products)]):
                subprocess.run(
                    [sys.executable, "-m", "services.app", *command],
                    cwd=ROOT,
                    env=self.env,
                    check=True,
                    capture_output=True,
                    timeout=60,
                )
            self._prepared = True
        super().start(timeout)
        return self

    def _access_entries(self) -> list[dict]:
        return [
            e
            for e in self.log_entries()
            if e.get("logger") == "vitrine.access" and e.get("msg") == "request"
        ]

    def requests(self, path: str | None = None, method: str | None = None) -> list[dict]:
        """Access-log entries since the last mark(), filtered by exact path and method."""
        found = self._access_entries()[self._mark :]
        return [
            e
            for e in found
            if (path is None or e.get("path") == path)
            and (method is None or e.get("method") == method.upper())
        ]

    def mark(self) -> None:
        """Count only requests served from now on."""
        self._mark = len(self._access_entries())
