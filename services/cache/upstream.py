"""The pooled HTTP client to the app tier (ALB #2 on AWS).

One urllib3 PoolManager per process (it is thread-safe and keeps connections alive across
requests); created lazily so that gunicorn workers never share the master's sockets.
Failures become UpstreamError with the status the client should see: 502 when the app tier
cannot be reached or answers garbage, 504 when it does not answer in time.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError, NewConnectionError, TimeoutError
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
        self.timeout = urllib3.Timeout(
            connect=config.upstream_connect_timeout, total=config.upstream_timeout
        )
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
        # A lost keep-alive connection is retried once, only when nothing was sent yet.
        retries = urllib3.Retry(total=1, connect=1, read=0, redirect=0, status=0, other=0)
        try:
            resp = self._manager().request(
                method,
                self.base + target,
                headers=headers,
                body=body,
                timeout=self.timeout if timeout is None else urllib3.Timeout(total=timeout),
                retries=retries,
                redirect=False,
                preload_content=False,
                decode_content=False,
            )
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
        resp.release_conn()
        return Reply(resp.status, out, first)
