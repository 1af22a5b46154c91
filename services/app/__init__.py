"""vitrine app tier: the product API on MySQL, as a Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, Response

from services.app import health, openapi, products
from services.app.auth import AdminToken
from services.app.config import Config
from services.app.db import Database, DatabaseUnavailable
from services.app.errors import ApiError
from services.common import init_app, json_error


@dataclass
class Tier:
    """What request handlers reach through `current_app.extensions["vitrine"]`."""

    config: Config
    db: Database
    admin_token: AdminToken


def create_app(config: Config | Mapping[str, object] | None = None) -> Flask:
    """Build the app tier from a Config, from overrides of the environment, or from it alone."""
    if not isinstance(config, Config):
        config = Config.from_env().replace(config or {})
    config.validate()

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes  # oversize bodies get 413
    init_app(app, "app", config.log_level)
    app.extensions["vitrine"] = Tier(config, Database(config), AdminToken(config))

    for blueprint in (products.bp, health.bp, openapi.bp):
        app.register_blueprint(blueprint)

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return json_error(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(DatabaseUnavailable)
    def _database_unavailable(exc: DatabaseUnavailable) -> Response:
        app.logger.warning("database unavailable: %s", exc)
        return json_error(
            503,
            "database_unavailable",
            "The catalog database is unreachable; try again shortly.",
            {"Retry-After": str(config.retry_after)},
        )

    @app.after_request
    def _errors_are_not_cached(response: Response) -> Response:
        # Only deliberate misses (404 with its own Cache-Control) may be cached downstream.
        if response.status_code >= 400 and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    return app
