"""Fixtures of the cache-tier tests: a scriptable real HTTP upstream and the Flask app.

Unit tests run the cache tier under Flask's test client against a real Redis (the
`redis_server` fixture) and `StubUpstream`, a real threaded HTTP server whose answers each
test scripts, so freshness rules, stale serving and coalescing can be pinned down exactly.
Integration tests (test_integration.py) use gunicorn and the real app tier instead.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from services.cache import create_app
from services.common import secrets
from tests.servers import free_port


@dataclass
class Route:
    """What the stub answers for one path (any method)."""

    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: dict[str, str] = field(
        default_factory=lambda: {"Content-Type": "application/json", "Cache-Control": "max-age=60"}
    )
    delay: float = 0.0


class StubUpstream:
    """A real HTTP server on a free port that answers per `routes` and counts requests."""

    def __init__(self) -> None:
        self.port = free_port()
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.seen: list[Request] = []
        self.bodies: list[bytes] = []
        self._lock = threading.Lock()
        self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, path: str, **kwargs) -> Route:
        """Script the answer for path; returns the Route so a test can change it later."""
        self.routes[path] = Route(**kwargs)
        return self.routes[path]

    def count(self, path: str, method: str = "GET") -> int:
        """Requests that reached the stub for path (with any query) and method."""
        return self.hits[(method, path)]

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        with self._lock:
            self.hits[(request.method, request.path)] += 1
            self.seen.append(request)
            self.bodies.append(body)
        route = self.routes.get(request.path) or Route(
            404, b'{"error": {"code": "not_found"}}', {"Content-Type": "application/json"}
        )
        # The answer is what the route said when the request arrived, like a database read.
        headers = {"Content-Type": "application/json", **route.headers}
        response = Response(route.body, status=route.status, headers=headers)
        if route.delay:
            time.sleep(route.delay)
        return response(environ, start_response)

    def start(self) -> StubUpstream:
        self._server = make_server("127.0.0.1", self.port, self, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def upstream():
    """A scriptable app-tier stand-in, stopped after the test."""
    stub = StubUpstream().start()
    yield stub
    stub.stop()


def make_app(redis_url: str, upstream_url: str, **overrides):
    """The cache tier with test-friendly settings (no env is read for these fields)."""
    settings = {
        "redis_url": redis_url,
        "upstream_url": upstream_url,
        "redis_auth_secret_arn": None,
        "upstream_timeout": 1.0,
        "lease_seconds": 2.0,
        "emf_interval": 0.0,
        "metrics_dir": None,
        **overrides,
    }
    return create_app(settings)


@pytest.fixture
def app(redis_server, upstream):
    return make_app(redis_server.url, upstream.url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def _forget_secrets():
    """No test sees another's cached secret or boto3 client."""
    secrets.forget()
    yield
    secrets.forget()
