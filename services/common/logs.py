"""JSON log lines on stdout, one object per line, carrying the current request id."""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import g, has_request_context

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object; extra= fields become keys."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every logger's output to stdout as JSON (idempotent)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_vitrine", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stdout)
        handler._vitrine = True  # type: ignore[attr-defined]
        root.handlers = [handler]
    handler.setFormatter(JsonFormatter(service))
    root.setLevel(level.upper())


def gunicorn_logconfig(service: str) -> dict:
    """gunicorn's `logconfig_dict`: its own messages as JSON on stdout, like the app's.

    The formatter is named by import path and resolved when gunicorn sets up logging, after
    it has put the working directory on sys.path.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter", "service": service}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
            # Any logconfig_dict turns gunicorn's access log on; the app's own line suffices.
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }
