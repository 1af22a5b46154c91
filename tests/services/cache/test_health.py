"""Liveness, readiness and /api/healthz."""

from __future__ import annotations

from tests.services.cache.conftest import make_app


def test_liveness_and_readiness_hold_without_redis_or_app_tier(upstream):
    upstream.stop()
    client = make_app("redis://127.0.0.1:1/0", upstream.url).test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_api_healthz_reports_both_dependencies(redis_server, upstream):
    upstream.route("/readyz", body=b'{"status": "ready"}')
    client = make_app(redis_server.url, upstream.url).test_client()

    up = client.get("/api/healthz")
    assert (up.status_code, up.get_json()) == (
        200,
        {"cache": "ok", "redis": "up", "upstream": "up"},
    )
    assert up.headers["Cache-Control"] == "no-store"

    redis_server.stop()
    no_redis = client.get("/api/healthz")
    assert (no_redis.status_code, no_redis.get_json()["redis"]) == (200, "down")

    upstream.route("/readyz", status=503)
    assert client.get("/api/healthz").status_code == 503
    upstream.stop()
    down = client.get("/api/healthz")
    assert (down.status_code, down.get_json()["upstream"]) == (503, "down")


def test_api_healthz_is_never_cached(client, upstream):
    upstream.route("/readyz")
    client.get("/api/healthz")
    client.get("/api/healthz")
    assert upstream.count("/readyz") == 2
