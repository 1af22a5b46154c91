"""The admin bearer token that write endpoints require."""

from __future__ import annotations

import hmac
import logging
import threading
import time

from services.app.config import Config
from services.app.errors import ApiError
from services.common import secrets

log = logging.getLogger("vitrine.auth")

# A wrong token may mean the secret was rotated; look again, but not at an attacker's pace.
_REFRESH_INTERVAL = 30.0
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="vitrine-admin"'}


class AdminToken:
    """Checks `Authorization: Bearer <token>` in constant time against the configured token."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._last_refresh = 0.0

    def _expected(self) -> str | None:
        if self._config.admin_token_secret_arn:
            try:
                return secrets.get_secret_string(
                    self._config.admin_token_secret_arn, region=self._config.aws_region
                ).strip()
            except Exception:  # noqa: BLE001 - any AWS failure: writes are unavailable
                log.exception("cannot read the admin token secret")
                raise ApiError(
                    503, "auth_unavailable", "Writes are unavailable right now.",
                    {"Retry-After": str(self._config.retry_after)},
                ) from None  # fmt: skip
        return self._config.admin_token or None

    def _matches(self, presented: bytes) -> bool:
        expected = self._expected()
        # compare_digest on bytes: constant time, and no TypeError on non-ASCII input.
        return expected is not None and hmac.compare_digest(presented, expected.encode())

    def require(self, authorization: str | None) -> None:
        """Raise a 401 ApiError unless the header carries the admin token."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "A bearer token is required.", _CHALLENGE)
        presented = token.strip().encode("utf-8", "surrogateescape")
        if self._matches(presented):
            return
        if self._config.admin_token_secret_arn and self._may_refresh():
            secrets.forget(self._config.admin_token_secret_arn)
            if self._matches(presented):
                return
        raise ApiError(401, "unauthorized", "The bearer token is not valid.", _CHALLENGE)

    def _may_refresh(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if now - self._last_refresh < _REFRESH_INTERVAL:
                return False
            self._last_refresh = now
            return True
