"""vitrine cache tier: a Flask HTTP cache in front of the app tier, backed by Redis."""

from __future__ import annotations

import logging

from flask import Flask, Response

from services.cache import health, proxy
from services.cache.config import Config
from services.cache.metrics import Metrics
from services.cache.store import Store
from services.cache.upstream import Upstream
from services.common import init_app


def create_app(config: Config | dict | None = None) -> Flask:
    """Build the cache tier; config is a Config, or overrides of the VITRINE_* environment."""
    if not isinstance(config, Config):
        config = Config.from_env().override(config or {})
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    init_app(app, "cache", config.log_level, config.proxies)
    # Our own log says when the app tier is unreachable; urllib3's per-retry warnings are noise.
    logging.getLogger("urllib3").setLevel(logging.ERROR)

    metrics = Metrics(config.metrics_dir, config.emf_interval, config.emf_namespace)
    store = Store(config, on_error=lambda: metrics.inc("redis_errors"))
    app.extensions["vitrine.cache"] = proxy.Proxy(config, store, Upstream(config), metrics)
    app.register_blueprint(health.bp)
    app.register_blueprint(proxy.bp)

    @app.after_request
    def _emf(response: Response) -> Response:
        metrics.maybe_emit_emf()
        return response

    return app
