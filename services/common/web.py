"""Flask wiring both tiers apply: ProxyFix, X-Request-Id, JSON errors, JSON access logs."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from services.common.logs import configure_logging

log = logging.getLogger("vitrine.access")

# A caller's request id is kept only if it is short and harmless in logs and headers.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def json_error(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    """Build the error body every vitrine endpoint uses: {"error": {"code", "message"}}."""
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _code_for(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def init_app(app: Flask, service: str, log_level: str = "INFO", proxies: int = 1) -> None:
    """Apply the shared behaviour to a Flask app of either tier."""
    configure_logging(service, log_level)
    # One load balancer (or the local edge) sits in front of each tier.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(elapsed_ms, 2),
                "x_cache": response.headers.get("X-Cache"),
            },
        )
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        headers = dict(exc.get_headers()) if exc.response is None else {}
        headers.pop("Content-Type", None)
        return json_error(exc.code or 500, _code_for(exc), exc.description or exc.name, headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return json_error(500, "internal_error", "The server hit an unexpected error.")
