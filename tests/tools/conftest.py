"""A stand-in cache tier (a tiny Flask app on a free port) behind the real local edge."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from tests.servers import free_port
from tools.edge import EdgeServer


@dataclass
class FakeCacheTier:
    """Answers /api/* like the cache tier would, and remembers every request it got."""

    products: int = 120
    healthy: bool = True
    caches: bool = True
    seen: list[dict] = field(default_factory=list)
    cached: set[int] = field(default_factory=set)
    # Answer as CloudFront does: it puts its own X-Cache ("Hit from cloudfront") on responses.
    cloudfront: bool = False

    def product(self, pid: int) -> dict:
        return {
            "id": pid,
            "sku": f"SKU-{pid:05d}",
            "name": f"Product {pid}",
            "description": "Fine.",
            "price": {"amount": "199.90", "currency": "BRL"},
            "stock": 3,
            "images": ["/img/products/shoes-1.svg"],
            "category": "shoes",
            "version": 1,
            "updated_at": "2026-01-01T00:00:00Z",
        }

    def app(self) -> Flask:
        app = Flask("fake-cache")

        @app.before_request
        def _record():
            self.seen.append(
                {
                    "method": request.method,
                    "path": request.full_path.rstrip("?"),
                    "headers": dict(request.headers),
                    "body": request.get_data(),
                }
            )

        @app.get("/api/healthz")
        def healthz():
            status = 200 if self.healthy else 503
            upstream = "up" if self.healthy else "down"
            return jsonify(cache="ok", redis="up", upstream=upstream), status

        @app.get("/api/products")
        def products():
            page = int(request.args.get("page", 1))
            per_page = int(request.args.get("per_page", 24))
            ids = range((page - 1) * per_page + 1, min(page * per_page, self.products) + 1)
            items = [self.product(i) for i in ids]
            return jsonify(items=items, page=page, per_page=per_page, total=self.products)

        @app.get("/api/products/<int:pid>")
        def product(pid):
            hit = pid in self.cached
            if self.caches:
                self.cached.add(pid)
            response = jsonify(self.product(pid))
            if self.cloudfront:
                response.headers["X-Cache"] = f"{'Hit' if hit else 'Miss'} from cloudfront"
            else:
                response.headers["X-Cache"] = "HIT" if hit else "MISS"
            response.headers["Age"] = "1" if hit else "0"
            return response

        @app.route("/api/echo", methods=["GET", "PATCH", "POST"])
        def echo():
            response = jsonify(ok=True)
            response.headers["X-Request-Id"] = request.headers.get("X-Request-Id", "")
            response.headers["Set-Cookie"] = "a=b"
            return response, 201

        return app


@pytest.fixture
def fake_tier():
    tier = FakeCacheTier()
    server = make_server("127.0.0.1", free_port(), tier.app(), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    tier.url = f"http://127.0.0.1:{server.server_port}"
    yield tier
    server.shutdown()
    server.server_close()


@pytest.fixture
def edge(fake_tier):
    with EdgeServer(upstream=fake_tier.url, port=free_port(), quiet=True) as server:
        yield server
