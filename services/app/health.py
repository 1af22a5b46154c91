"""Liveness and readiness, for the load balancer's health checks."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from services.app.http import json_response

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process serves requests; never touches the database (a DB outage is not a reason
    to replace instances)."""
    return json_response({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """200 when the database answers, else 503 so the load balancer stops sending traffic."""
    # DatabaseUnavailable propagates to the app's handler: 503 JSON with Retry-After.
    current_app.extensions["vitrine"].db.ping()
    return json_response({"status": "ok", "database": "up"})
