"""The pooled HTTP client to the app tier (ALB #2 on AWS).

One urllib3 PoolManager per process (it is thread-safe and keeps connections alive across
requests); created lazily so that gunicorn workers never share the master's sockets.
Failures become UpstreamError with the status the client should see: 502 when the app tier
cannot be reached or answers garbage, 504 when it does not answer in time.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from http.client import RemoteDisconnected

import urllib3
from urllib3.exceptions import (
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    TimeoutError,
)
from werkzeug.datastructures import Headers

from services.cache.config import Config

# Hop-by-hop headers (RFC 9110 7.6.1) and ones this proxy sets itself: never copied across.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "host",
        "date",
        "server",
        "x-cache",
        "x-request-id",
    }
)


# Reads that may be sent a second time (RFC 9110 9.2.2); writes never are.
IDEMPOTENT = frozenset({"GET", "HEAD"})
# The app tier closed or reset the connection before any answer (RemoteDisconnected is a
# ConnectionResetError; named for clarity).
_LOST = (RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def _lost_before_answer(exc: Exception) -> bool:
    """Whether urlopen failed because the connection died before the response head arrived
    (urllib3 wraps that as ProtocolError('Connection aborted.', <the OSError>))."""
    cause = exc.reason if isinstance(exc, MaxRetryError) else exc
    return isinstance(cause, ProtocolError) and isinstance(cause.args[-1], _LOST)


def end_to_end(items) -> list[tuple[str, str]]:
    """The headers that may cross this proxy: not hop-by-hop, and not named in Connection
    (RFC 9110 7.6.1 lets a sender mark any header as meant for the next hop only)."""
    items = list(items)
    named = {
        token.strip().lower()
        for name, value in items
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return [(k, v) for k, v in items if k.lower() not in HOP_BY_HOP and k.lower() not in named]


def _cut_short(method: str, resp, body: bytes) -> bool:
    """True when a complete read holds fewer bytes than the answer's Content-Length said."""
    declared = resp.headers.get("Content-Length")
    if method == "HEAD" or resp.status in (204, 304) or not (declared or "").isdigit():
        return False
    return len(body) != int(declared)


class UpstreamError(Exception):
    """The app tier could not give an answer; `status` is 502 or 504."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Reply:
    """An upstream response read into memory (or, when oversize, still streaming)."""

    status: int
    headers: Headers  # end-to-end headers only; case-insensitive, repeated ones kept
    body: bytes
    rest: urllib3.BaseHTTPResponse | None = None  # unread remainder of an oversize body

    def chunks(self):
        """The whole body as an iterator of chunks (for oversize pass-through)."""
        yield self.body
        if self.rest is not None:
            try:
                yield from self.rest.stream(65536)
            finally:
                self.rest.release_conn()


class Upstream:
    """Sends requests to the app tier through a per-process connection pool."""

    def __init__(self, config: Config) -> None:
        self.base = config.upstream_url.rstrip("/")
        self.limit = config.max_entry_bytes
        self.connect_timeout = config.upstream_connect_timeout
        self.total_timeout = config.upstream_timeout
        self._lock = threading.Lock()
        self._pool: urllib3.PoolManager | None = None
        self._pid = 0

    def _manager(self) -> urllib3.PoolManager:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = urllib3.PoolManager(num_pools=4, maxsize=64, block=False)
                self._pid = os.getpid()
            return self._pool

    def request(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """Send one request; read up to the size bound, leave the rest streaming."""
        # `timeout` (health checks) replaces the whole budget, connect included.
        connect = self.connect_timeout if timeout is None else None
        budget = self.total_timeout if timeout is None else timeout
        deadline = time.monotonic() + budget
        try:
            try:
                resp = self._send(method, target, headers, body, connect, budget)
            except (HTTPError, OSError) as exc:
                # The app tier (its load balancer, gunicorn) may close an idle keep-alive
                # connection just as we reuse it: the request dies unanswered. urllib3 counts
                # that as a read error, like a timeout, so it is retried here instead: once,
                # for reads only, within what is left of the same timeout. urllib3 discarded
                # the dead connection, so the retry opens a new one (or takes one another
                # thread has just used).
                left = deadline - time.monotonic()
                if method not in IDEMPOTENT or not _lost_before_answer(exc) or left <= 0:
                    raise
                resp = self._send(method, target, headers, body, connect, left)
            first = resp.read(self.limit + 1)
        except (HTTPError, OSError) as exc:
            cause = exc.reason if isinstance(exc, MaxRetryError) else exc
            # NewConnectionError (refused) subclasses ConnectTimeoutError in urllib3: not a timeout.
            if isinstance(cause, TimeoutError) and not isinstance(cause, NewConnectionError):
                raise UpstreamError(504, "The app tier did not answer in time.") from exc
            raise UpstreamError(502, "The app tier could not be reached.") from exc
        out = Headers(end_to_end(resp.headers.iteritems()))
        if method == "HEAD" and "Content-Length" in resp.headers:
            # The length of the body a GET would return: the empty body here cannot tell it.
            out["Content-Length"] = resp.headers["Content-Length"]
        if len(first) > self.limit:
            return Reply(resp.status, out, first, rest=resp)
        if _cut_short(method, resp, first):
            # An orderly close mid-body reads as a short body, not an error: never pass on
            # (or cache) a truncated answer as if it were whole.
            resp.drain_conn()
            raise UpstreamError(502, "The app tier's answer was cut short.")
        resp.release_conn()
        return Reply(resp.status, out, first)

    def _send(self, method, target, headers, body, connect, total) -> urllib3.BaseHTTPResponse:
        """One attempt: connect and response head within `total` seconds."""
        # A refused connection is retried once (nothing was sent); a lost one in request().
        retries = urllib3.Retry(total=1, connect=1, read=0, redirect=0, status=0, other=0)
        return self._manager().request(
            method,
            self.base + target,
            headers=headers,
            body=body,
            timeout=urllib3.Timeout(connect=connect, total=total),
            retries=retries,
            redirect=False,
            preload_content=False,
            decode_content=False,
        )
