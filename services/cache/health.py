"""Health, readiness and metrics endpoints of the cache tier.

`/readyz` is ready even without Redis or the app tier: the tier fails open (BYPASS), so a
load balancer must keep sending it traffic. `/api/healthz` reports both dependencies through
CloudFront's `/api/*` behavior for smoke checks (docs/contracts.md).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from services.cache.upstream import UpstreamError

bp = Blueprint("health", __name__)

# An /api/healthz check should answer quickly even when the app tier hangs.
_UPSTREAM_CHECK_TIMEOUT = 2.0


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process serves requests."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """Readiness: always ready (a cache that fails open needs nothing else to serve)."""
    return jsonify(status="ready")


@bp.get("/api/healthz")
def api_healthz() -> Response:
    """Both dependencies' state; 200 when the app tier's /readyz answers 200, else 503."""
    proxy = current_app.extensions["vitrine.cache"]
    redis_up = proxy.store.ping()
    try:
        reply = proxy.upstream.request(
            "GET", "/readyz", {"Accept-Encoding": "identity"}, timeout=_UPSTREAM_CHECK_TIMEOUT
        )
        upstream_up = reply.status == 200
    except UpstreamError:
        upstream_up = False
    response = jsonify(
        cache="ok", redis="up" if redis_up else "down", upstream="up" if upstream_up else "down"
    )
    response.status_code = 200 if upstream_up else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text exposition of the counters of every worker on this instance."""
    text = current_app.extensions["vitrine.cache"].metrics.prometheus()
    return Response(text, mimetype="text/plain", headers={"Cache-Control": "no-store"})
