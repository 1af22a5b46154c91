"""MySQL access for the app tier: one connection per worker thread, rebuilt after failures.

Credentials come from `VITRINE_DB_URL` locally or from the RDS secret on AWS. When MySQL
answers "access denied" (the password was rotated), the secret is read again once and the
connection retried, so rotation never takes the tier down. Any connection-level failure
becomes `DatabaseUnavailable`, which the app answers with 503 and Retry-After.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar
from urllib.parse import unquote, urlsplit

import pymysql
from pymysql.cursors import DictCursor

from services.app.config import Config
from services.common import secrets

log = logging.getLogger("vitrine.db")

T = TypeVar("T")

ER_ACCESS_DENIED = 1045
# The connection, not the statement, failed: a fresh connection may well succeed.
_CONNECTION_ERRORS = {2003, 2006, 2013, 2014, 2055, 1053, 1927, 4031, 0}
# Never ask Secrets Manager again more often than this, whatever the database says.
_SECRET_REFRESH_INTERVAL = 2.0


class DatabaseUnavailable(Exception):
    """The database cannot be reached (down, failing over, refusing us)."""


def _errno(exc: BaseException) -> int:
    return exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0


def _worth_retrying(exc: BaseException) -> bool:
    """A kept connection was found dead, as opposed to a query that ran out of time.

    Retrying a timed-out query would only double the wait and the database's load.
    """
    timed_out = isinstance(exc.__context__, TimeoutError) or "timed out" in str(exc)
    return _errno(exc) in _CONNECTION_ERRORS and not timed_out


def parse_db_url(url: str) -> dict:
    """Split mysql://user:pass@host:port/db into PyMySQL keyword arguments."""
    parts = urlsplit(url)
    if parts.scheme != "mysql" or not parts.hostname:
        raise ValueError("expected mysql://user:pass@host:port/db")
    return {
        "host": parts.hostname,
        "port": parts.port or 3306,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": unquote(parts.path.lstrip("/")) or None,
    }


class Credentials:
    """Where to connect and as whom, re-readable after a secret rotation."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._last_refresh = 0.0

    def current(self) -> dict:
        """Host, port, user, password, database as PyMySQL arguments."""
        if self._config.db_url:
            return parse_db_url(self._config.db_url)
        secret = secrets.get_secret_json(self._config.db_secret_arn, region=self._config.aws_region)
        return {
            "host": secret["host"],
            "port": int(secret.get("port") or 3306),
            "user": secret["username"],
            "password": secret["password"],
            "database": secret.get("dbname") or "vitrine",
        }

    def refresh(self) -> bool:
        """Forget the cached secret so the next read is fresh; False if there is no secret."""
        if not self._config.db_secret_arn:
            return False
        with self._lock:
            now = time.monotonic()
            if now - self._last_refresh >= _SECRET_REFRESH_INTERVAL:
                self._last_refresh = now
                secrets.forget(self._config.db_secret_arn)
        return True


def connect_kwargs(config: Config, creds: dict) -> dict:
    """PyMySQL arguments: timeouts, UTC session, strict SQL, and verified TLS when enabled."""
    kwargs = {
        **creds,
        # PyMySQL encodes str passwords as latin-1; rotated secrets may hold anything.
        "password": creds["password"].encode("utf-8"),
        "charset": "utf8mb4",
        "cursorclass": DictCursor,
        "autocommit": True,
        "connect_timeout": config.db_connect_timeout,
        # The handshake is bounded by the connect timeout too (a server that accepts TCP but
        # never speaks); Database.connect raises it to db_read_timeout once connected.
        "read_timeout": min(config.db_connect_timeout, config.db_read_timeout),
        "write_timeout": config.db_write_timeout,
        "sql_mode": "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION",
        "init_command": "SET time_zone = '+00:00'",
    }
    if config.use_tls:
        # ssl_ca alone encrypts without verifying; both flags make it check cert and hostname.
        kwargs.update(ssl_ca=config.db_ca_path, ssl_verify_cert=True, ssl_verify_identity=True)
    else:
        kwargs["ssl_disabled"] = True
    return kwargs


class Database:
    """A connection per thread (gthread workers keep their threads), reconnected on demand."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.credentials = Credentials(config)
        self._local = threading.local()

    def connect(self) -> pymysql.connections.Connection:
        """Open a new connection, re-reading the secret once if MySQL denies access."""
        try:
            return self._connect_once()
        except pymysql.err.OperationalError as exc:
            if _errno(exc) == ER_ACCESS_DENIED and self.credentials.refresh():
                log.warning("database denied access; re-read the credentials secret")
                try:
                    return self._connect_once()
                except pymysql.err.MySQLError as again:
                    raise DatabaseUnavailable(str(again)) from again
            raise DatabaseUnavailable(str(exc)) from exc
        except (pymysql.err.MySQLError, OSError) as exc:
            raise DatabaseUnavailable(str(exc)) from exc

    def _connect_once(self) -> pymysql.connections.Connection:
        try:
            creds = self.credentials.current()
        except Exception as exc:  # noqa: BLE001 - any secret failure means "no database"
            raise DatabaseUnavailable(f"cannot read database credentials: {exc}") from exc
        conn = pymysql.connect(**connect_kwargs(self.config, creds))
        # PyMySQL (1.2.x) re-applies _read_timeout to the socket before each read; there is no
        # public setter. tests/services/app/test_db_down.py checks both timeouts still hold.
        conn._read_timeout = self.config.db_read_timeout
        return conn

    def _thread_connection(self) -> tuple[pymysql.connections.Connection, bool]:
        conn = getattr(self._local, "conn", None)
        if conn is not None and conn.open:
            return conn, False
        conn = self.connect()
        self._local.conn = conn
        return conn, True

    def discard(self) -> None:
        """Drop this thread's connection (after an error, or at shutdown)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with suppress(Exception):
                conn.close()

    def run(self, work: Callable[[pymysql.connections.Connection], T], *, retry: bool = True) -> T:
        """Run work(conn) on this thread's connection; map connection failures to 503.

        A kept connection may have died since its last use (failover, idle timeout, restart);
        reads then retry once on a fresh one. Writes pass retry=False: a write whose
        connection broke mid-way may have committed, and must not be applied twice.
        """
        conn, fresh = self._thread_connection()
        try:
            return work(conn)
        except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as exc:
            self.discard()
            if fresh or not retry or not _worth_retrying(exc):
                raise DatabaseUnavailable(str(exc)) from exc
            log.info("database connection lost; reconnecting", extra={"errno": _errno(exc)})
        conn, _ = self._thread_connection()
        try:
            return work(conn)
        except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as exc:
            self.discard()
            raise DatabaseUnavailable(str(exc)) from exc

    def transaction(self, work: Callable[[pymysql.cursors.Cursor], T]) -> T:
        """Run work(cursor) in one transaction: committed if it returns, rolled back if not."""

        def _in_transaction(conn: pymysql.connections.Connection) -> T:
            try:
                with conn.cursor() as cur:
                    result = work(cur)
                conn.commit()
                return result
            except BaseException:
                with suppress(Exception):
                    conn.rollback()
                raise

        # BEGIN on a kept connection that died (restart, failover) fails before anything is
        # written, so it may be retried on a fresh one; the work itself may not.
        self.run(lambda conn: conn.begin())
        return self.run(_in_transaction, retry=False)

    def query(self, sql: str, args: tuple | dict | None = None) -> list[dict]:
        """Run one parameterized read and return every row."""

        def _query(conn: pymysql.connections.Connection) -> list[dict]:
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return list(cur.fetchall())

        return self.run(_query)

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database answers a trivial query."""
        self.query("SELECT 1")
