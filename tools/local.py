"""`make local`: the seed's whole data flow on one machine.

    browser -> edge :8000 (assets via lambda_origin, /api/* proxied)
            -> cache tier :8080 (gunicorn, Redis) -> app tier :8081 (gunicorn, MySQL)

`LocalStack` holds every port and URL as a parameter, so the end-to-end tests run the same
stack on free ports against their own MariaDB and Redis. `main()` is the command: it checks
that MySQL and Redis answer (and says how to start them if not), migrates and seeds, starts
the tiers, prints the URL, and stops everything on Ctrl-C or when any process dies.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pymysql
import redis
import requests

from tools.edge import EdgeServer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_URL = "mysql://root:@127.0.0.1:3306/vitrine"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

MYSQL_HELP = "\n".join(
    [
        "  Start it:  sudo service mariadb start   (Debian/Ubuntu;",
        "             install: sudo apt-get install mariadb-server)",
        "             brew services start mariadb  (macOS)",
        "             docker run -d -p 3306:3306 -e MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 mariadb:11",
        "  or point VITRINE_DB_URL at a server you have:",
        "             VITRINE_DB_URL=mysql://user:pass@host:3306/vitrine make local",
    ]
)
REDIS_HELP = "\n".join(
    [
        "  Start it:  sudo service redis-server start  (Debian/Ubuntu;",
        "             install: sudo apt-get install redis-server)",
        "             brew services start redis        (macOS)",
        "             docker run -d -p 6379:6379 redis:7",
        "  or point VITRINE_REDIS_URL at a server you have:",
        "             VITRINE_REDIS_URL=redis://host:6379/0 make local",
    ]
)


class StackError(RuntimeError):
    """The local stack cannot start; the message says why and what to do."""


def redact(url: str) -> str:
    """The URL with its password replaced by ***, fit to print."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) != 0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Linux: SIGTERM the child when `make local` itself is killed, so no gunicorn is orphaned.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class LocalStack:
    """Edge, cache tier and app tier on one machine; every address is a parameter."""

    db_url: str = DEFAULT_DB_URL
    redis_url: str = DEFAULT_REDIS_URL
    admin_token: str = ""
    host: str = "127.0.0.1"
    edge_port: int = 8000
    cache_port: int = 8080
    app_port: int = 8081
    products: int = 1000
    log_dir: Path | None = None  # None: the tiers log to this process's stdout/stderr
    quiet: bool = False
    ready_timeout: float = 30.0
    procs: dict[str, subprocess.Popen] = field(default_factory=dict, init=False)
    edge: EdgeServer | None = field(default=None, init=False)
    _logs: list = field(default_factory=list, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.edge_port}"

    @property
    def cache_url(self) -> str:
        return f"http://{self.host}:{self.cache_port}"

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.app_port}"

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, flush=True)

    # -- preconditions ------------------------------------------------------------------------
    def check_ports(self) -> None:
        """Fail early, by name, when a port the stack needs is taken."""
        for name, port in (
            ("edge", self.edge_port),
            ("cache tier", self.cache_port),
            ("app tier", self.app_port),
        ):
            if not port_is_free(self.host, port):
                raise StackError(
                    f"Port {port} on {self.host} ({name}) is already in use — is another "
                    "`make local` running? Stop it, or free the port."
                )

    def check_mysql(self) -> None:
        """Connect to the MySQL server and create the database if it is missing."""
        url = urlsplit(self.db_url)
        database = url.path.lstrip("/") or "vitrine"
        where = f"{url.hostname}:{url.port or 3306}"
        source = "VITRINE_DB_URL" if os.environ.get("VITRINE_DB_URL") else "the default"
        try:
            conn = pymysql.connect(
                host=url.hostname or "127.0.0.1",
                port=url.port or 3306,
                user=unquote(url.username or "root"),
                password=unquote(url.password or ""),
                connect_timeout=3,
            )
        except pymysql.err.OperationalError as exc:
            code = exc.args[0] if exc.args else None
            if code == 1045:
                raise StackError(
                    f"MySQL at {where} refused user {url.username!r} "
                    f"(looked at {redact(self.db_url)}, from {source}): {exc.args[-1]}\n"
                    "  Set VITRINE_DB_URL to a user that may create the database, e.g.\n"
                    "  VITRINE_DB_URL=mysql://vitrine:secret@127.0.0.1:3306/vitrine make local"
                ) from None
            raise StackError(
                f"MySQL is not reachable at {where} (looked at {redact(self.db_url)}, "
                f"from {source}).\n  error: {exc.args[-1]}\n{MYSQL_HELP}"
            ) from None
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4")
            conn.commit()
        finally:
            conn.close()

    def check_redis(self) -> None:
        """Ping Redis once, with short timeouts."""
        source = "VITRINE_REDIS_URL" if os.environ.get("VITRINE_REDIS_URL") else "the default"
        client = redis.Redis.from_url(
            self.redis_url, socket_connect_timeout=2, socket_timeout=2, retry_on_timeout=False
        )
        try:
            client.ping()
        except redis.RedisError as exc:
            raise StackError(
                f"Redis is not reachable at {redact(self.redis_url)} (from {source}).\n"
                f"  error: {exc}\n{REDIS_HELP}"
            ) from None
        finally:
            client.close()

    # -- processes ----------------------------------------------------------------------------
    def _env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        env.update(extra)
        return env

    def _output(self, name: str):
        if self.log_dir is None:
            return None
        self.log_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.log_dir / f"{name}.log", "ab")  # closed in stop()
        self._logs.append(handle)
        return handle

    def log_tail(self, name: str, lines: int = 20) -> str:
        """The last lines a process wrote, when it logs to a file."""
        if self.log_dir is None or not (self.log_dir / f"{name}.log").exists():
            return ""
        text = (self.log_dir / f"{name}.log").read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def run_app_cli(self, *args: str) -> str:
        """Run `python -m services.app ARGS` against this stack's database; return its output."""
        result = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
            [sys.executable, "-m", "services.app", *args],
            cwd=ROOT,
            env=self._env(VITRINE_DB_URL=self.db_url),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise StackError(
                f"`python -m services.app {' '.join(args)}` failed (exit {result.returncode}):\n"
                + (result.stdout + result.stderr).strip()[-3000:]
            )
        return result.stdout

    def _spawn(self, tier: str, env: dict[str, str]) -> None:
        out = self._output(tier)
        self.procs[tier] = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                f"services/{tier}/gunicorn.conf.py",
                f"services.{tier}.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def _wait_ready(self, tier: str, url: str) -> None:
        deadline = time.monotonic() + self.ready_timeout
        last = "no answer"
        while time.monotonic() < deadline:
            proc = self.procs[tier]
            if proc.poll() is not None:
                raise StackError(
                    f"The {tier} tier exited with code {proc.returncode} while starting.\n"
                    + self.log_tail(tier)
                )
            try:
                response = requests.get(url, timeout=2)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            except requests.RequestException as exc:
                last = type(exc).__name__
            time.sleep(0.2)
        raise StackError(
            f"The {tier} tier did not become ready at {url} within {self.ready_timeout:.0f}s "
            f"(last: {last}).\n" + self.log_tail(tier)
        )

    def start(self) -> LocalStack:
        """Check, migrate, seed, and start app tier, cache tier and edge; ready when it returns."""
        self.check_ports()
        self.check_mysql()
        self.check_redis()
        self.say(f"migrating {redact(self.db_url)} …")
        self.run_app_cli("migrate")
        self.say(f"seeding {self.products} products (skipped if the catalog has some) …")
        self.run_app_cli("seed", "--products", str(self.products), "--if-empty")

        self._spawn(
            "app",
            self._env(
                VITRINE_BIND=f"{self.host}:{self.app_port}",
                VITRINE_DB_URL=self.db_url,
                VITRINE_ADMIN_TOKEN=self.admin_token,
            ),
        )
        self._wait_ready("app", f"{self.app_url}/readyz")
        self._spawn(
            "cache",
            self._env(
                VITRINE_BIND=f"{self.host}:{self.cache_port}",
                VITRINE_REDIS_URL=self.redis_url,
                VITRINE_UPSTREAM_URL=self.app_url,
            ),
        )
        self._wait_ready("cache", f"{self.cache_url}/healthz")
        self.edge = EdgeServer(
            upstream=self.cache_url, host=self.host, port=self.edge_port, quiet=self.quiet
        ).start()
        return self

    def dead(self) -> tuple[str, int] | None:
        """The first tier whose process has exited, with its exit code; None if all run."""
        for tier, proc in self.procs.items():
            if proc.poll() is not None:
                return tier, proc.returncode
        return None

    def wait(self, poll: float = 0.5) -> tuple[str, int]:
        """Block until a tier's process exits; return which, and its exit code."""
        while (gone := self.dead()) is None:
            time.sleep(poll)
        return gone

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the edge, then each tier (SIGTERM, then SIGKILL after timeout)."""
        if self.edge:
            self.edge.stop()
            self.edge = None
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()
        for handle in self._logs:
            handle.close()
        self._logs.clear()

    def __enter__(self) -> LocalStack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the stack in the foreground until Ctrl-C; exit non-zero if it cannot start or dies."""
    parser = argparse.ArgumentParser(prog="make local", description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000, help="catalog size to seed")
    parser.add_argument("--edge-port", type=int, default=8000)
    parser.add_argument("--cache-port", type=int, default=8080)
    parser.add_argument("--app-port", type=int, default=8081)
    args = parser.parse_args(argv)

    token = os.environ.get("VITRINE_ADMIN_TOKEN", "")
    generated = not token
    token = token or secrets.token_urlsafe(24)
    stack = LocalStack(
        db_url=os.environ.get("VITRINE_DB_URL", DEFAULT_DB_URL),
        redis_url=os.environ.get("VITRINE_REDIS_URL", DEFAULT_REDIS_URL),
        admin_token=token,
        products=args.products,
        edge_port=args.edge_port,
        cache_port=args.cache_port,
        app_port=args.app_port,
    )
    note = " (generated; set VITRINE_ADMIN_TOKEN to choose one)" if generated else ""
    # SIGINT too: a shell that starts us in the background hands us SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _raise_interrupt)
    try:
        try:
            stack.start()
        except StackError as exc:
            print(f"make local: {exc}", file=sys.stderr)
            return 2
        print(
            f"\n  vitrine is running:  {stack.url}/\n"
            f"    edge {stack.url} -> cache tier {stack.cache_url} -> app tier {stack.app_url}\n"
            f"    MySQL {redact(stack.db_url)}   Redis {redact(stack.redis_url)}\n"
            f"    admin token{note}: {token}\n"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        tier, code = stack.wait()
        print(
            f"make local: the {tier} tier exited (code {code}); stopping the rest.", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        print("\nmake local: stopping …", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
