"""A per-process circuit breaker for Redis: stop asking a Redis that is down.

Closed: every call goes through; `failures` consecutive errors open it. Open: calls are
refused at once (the request bypasses the cache) until `cooldown` has passed. Then one
caller is let through as a probe (half-open): success closes the breaker, failure opens it
for another cooldown. Each gunicorn worker has its own breaker, so a dead Redis costs each
worker at most `failures` short timeouts before it stops trying.
"""

from __future__ import annotations

import threading
import time


class Breaker:
    """Thread-safe closed / open / half-open breaker."""

    def __init__(self, failures: int = 3, cooldown: float = 1.0, clock=time.monotonic) -> None:
        self.failures = failures
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._count = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        """'closed', 'open' or 'half-open' (for health output and tests)."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half-open" if self._probing else "open"

    def allow(self) -> bool:
        """May the caller use Redis now? In half-open state, only the one probe may."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._probing or self._clock() - self._opened_at < self.cooldown:
                return False
            self._probing = True
            return True

    def success(self) -> None:
        """Record a call that worked: the breaker closes."""
        with self._lock:
            self._count = 0
            self._opened_at = None
            self._probing = False

    def failure(self) -> None:
        """Record a failed call: a failed probe or too many failures open the breaker."""
        with self._lock:
            self._count += 1
            if self._probing or self._count >= self.failures:
                self._opened_at = self._clock()
                self._probing = False
