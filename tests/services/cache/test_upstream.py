"""The upstream client against a raw-socket server whose keep-alive connections misbehave.

The app tier's load balancer (or gunicorn) may close an idle keep-alive connection just as
the cache tier reuses it: the request is lost before any answer byte. An idempotent read is
then retried once on a new connection; a write is not, and neither is a timeout.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

import pytest

from services.cache.config import Config
from services.cache.upstream import Upstream, UpstreamError
from tests.servers import free_port

BODY = b'{"ok": true}'


class RawUpstream:
    """An HTTP/1.1 server on raw sockets; `script(conn_no, req_no)` picks what each request
    gets: "answer" (200, keep-alive), "drop" (close, FIN), "reset" (close, RST), "silent"
    (never answer), "slow-drop" (close after `slow` seconds), "partial" (status line,
    headers and part of the body, then RST) or "short" (the same, then an orderly close).
    `log` records (conn_no, method, path, action).
    """

    def __init__(self, script, slow: float = 0.0) -> None:
        self.script = script
        self.slow = slow
        self.port = free_port()
        self.log: list[tuple[int, str, str, str]] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._socks: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.02)
        self._spawn(self._accept)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        conn_no = 0
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._socks.append(conn)
            self._spawn(self._serve, conn, conn_no)
            conn_no += 1

    def _read_request(self, conn: socket.socket, buf: bytearray) -> tuple[str, str] | None:
        """One request (head and Content-Length body) from conn; None when closed/stopped."""
        while b"\r\n\r\n" not in buf:
            if not self._recv(conn, buf):
                return None
        head, _, rest = bytes(buf).partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        buf[:] = rest
        while len(buf) < length:
            if not self._recv(conn, buf):
                return None
        del buf[:length]
        return method, path

    def _recv(self, conn: socket.socket, buf: bytearray) -> bool:
        while not self._stop.is_set():
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return False
            buf += data
            return bool(data)
        return False

    def _serve(self, conn: socket.socket, conn_no: int) -> None:
        conn.settimeout(0.02)
        buf = bytearray()
        req_no = 0
        with conn:
            while (request := self._read_request(conn, buf)) is not None:
                method, path = request
                action = self.script(conn_no, req_no)
                self.log.append((conn_no, method, path, action))
                req_no += 1
                if action == "answer":
                    head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    head += f"Content-Length: {len(BODY)}\r\n\r\n"
                    conn.sendall(head.encode() + (b"" if method == "HEAD" else BODY))
                elif action in ("drop", "slow-drop"):
                    self._stop.wait(self.slow if action == "slow-drop" else 0)
                    return
                elif action == "short":
                    conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"ok"')
                    return
                elif action in ("reset", "partial"):
                    if action == "partial":
                        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"ok"')
                        self._stop.wait(0.05)  # the client has the head and starts the body
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                # "silent": read on until the client gives up or the test ends

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=1.0)
        for sock in self._socks:
            sock.close()


@pytest.fixture
def raw_server():
    """Start a RawUpstream with a script; every one is stopped after the test."""
    servers: list[RawUpstream] = []

    def start(script, slow: float = 0.0) -> RawUpstream:
        servers.append(RawUpstream(script, slow))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def make_upstream():
    """An Upstream for a server (short timeouts); its pooled sockets are closed afterwards."""
    made: list[Upstream] = []

    def build(server: RawUpstream, timeout: float = 0.5) -> Upstream:
        config = Config(
            upstream_url=server.url, upstream_timeout=timeout, upstream_connect_timeout=0.2
        )
        made.append(Upstream(config))
        return made[-1]

    yield build
    for upstream in made:
        upstream._manager().clear()


def drop_second(action: str):
    """Answer the first request of connection 0, `action` its second; answer everything else."""
    return lambda conn_no, req_no: action if (conn_no, req_no) == (0, 1) else "answer"


@pytest.mark.parametrize(
    ("method", "action"), [("GET", "drop"), ("GET", "reset"), ("HEAD", "drop")]
)
def test_read_is_retried_once_on_a_new_connection_after_keepalive_drop(
    raw_server, make_upstream, method, action
):
    server = raw_server(drop_second(action))
    upstream = make_upstream(server)

    assert upstream.request("GET", "/api/a", {}).status == 200
    started = time.monotonic()
    reply = upstream.request(method, "/api/b", {})

    assert reply.status == 200
    assert reply.body == (b"" if method == "HEAD" else BODY)
    assert time.monotonic() - started < 0.4
    assert server.log == [
        (0, "GET", "/api/a", "answer"),
        (0, method, "/api/b", action),
        (1, method, "/api/b", "answer"),
    ]


@pytest.mark.parametrize("method", ["PATCH", "POST", "PUT", "DELETE"])
def test_write_is_not_retried_after_keepalive_drop(raw_server, make_upstream, method):
    server = raw_server(drop_second("drop"))
    upstream = make_upstream(server)

    assert upstream.request("GET", "/api/a", {}).status == 200
    with pytest.raises(UpstreamError) as caught:
        upstream.request(method, "/api/b", {"Content-Type": "application/json"}, b'{"p": 1}')

    assert caught.value.status == 502
    assert server.log == [(0, "GET", "/api/a", "answer"), (0, method, "/api/b", "drop")]


def test_read_timeout_is_not_retried(raw_server, make_upstream):
    server = raw_server(lambda conn_no, req_no: "silent")
    upstream = make_upstream(server, timeout=0.3)

    started = time.monotonic()
    with pytest.raises(UpstreamError) as caught:
        upstream.request("GET", "/api/a", {})
    elapsed = time.monotonic() - started

    assert caught.value.status == 504
    assert 0.25 < elapsed < 0.45
    assert server.log == [(0, "GET", "/api/a", "silent")]


def test_retry_gets_only_what_is_left_of_the_timeout(raw_server, make_upstream):
    # The connection dies late (after 0.25 of 0.4 s) and the new one never answers: the
    # client still gives up at about 0.4 s, not 0.25 + 0.4.
    def script(conn_no, req_no):
        if conn_no == 0:
            return "answer" if req_no == 0 else "slow-drop"
        return "silent"

    server = raw_server(script, slow=0.25)
    upstream = make_upstream(server, timeout=0.4)
    assert upstream.request("GET", "/api/a", {}).status == 200

    started = time.monotonic()
    with pytest.raises(UpstreamError) as caught:
        upstream.request("GET", "/api/b", {})
    elapsed = time.monotonic() - started

    assert caught.value.status == 504
    assert 0.35 < elapsed < 0.55
    assert [entry[:2] for entry in server.log] == [(0, "GET"), (0, "GET"), (1, "GET")]


def test_read_broken_after_the_status_line_is_not_retried(raw_server, make_upstream):
    server = raw_server(drop_second("partial"))
    upstream = make_upstream(server)

    assert upstream.request("GET", "/api/a", {}).status == 200
    with pytest.raises(UpstreamError) as caught:
        upstream.request("GET", "/api/b", {})

    assert caught.value.status == 502
    assert server.log == [(0, "GET", "/api/a", "answer"), (0, "GET", "/api/b", "partial")]


def test_an_answer_cut_short_is_an_error_not_a_body(raw_server, make_upstream):
    """Fewer bytes than Content-Length, then an orderly close: never a 200 to cache."""
    server = raw_server(lambda conn_no, req_no: "short")
    upstream = make_upstream(server)

    with pytest.raises(UpstreamError) as caught:
        upstream.request("GET", "/api/a", {})

    assert caught.value.status == 502
    assert server.log == [(0, "GET", "/api/a", "short")]
