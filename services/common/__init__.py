"""What both tiers share: JSON logs with request ids, JSON errors, Secrets Manager reads."""

from services.common.web import init_app, json_error

__all__ = ["init_app", "json_error"]
