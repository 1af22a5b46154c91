"""Errors the app tier answers deliberately, each with its status and JSON error code."""

from __future__ import annotations


class ApiError(Exception):
    """A client mistake (4xx) or a known outage (503), answered as JSON."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def bad_request(code: str, message: str) -> ApiError:
    """A 400 for malformed input."""
    return ApiError(400, code, message)


def unprocessable(message: str) -> ApiError:
    """A 422 for well-formed input that breaks a rule (negative price, unknown field)."""
    return ApiError(422, "validation_failed", message)
