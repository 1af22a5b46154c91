"""The cache tier's settings: one frozen dataclass, read from VITRINE_* environment variables.

Tests override fields through `create_app(config=...)` (a Config or a dict of overrides);
nothing else in the package reads `os.environ`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Config:
    """Everything the cache tier can be told; defaults suit a local run."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    # ElastiCache AUTH token (plain SecretString); None locally.
    redis_auth_secret_arn: str | None = None
    upstream_url: str = "http://127.0.0.1:8081"
    # Redis sits next to the cache tier (same AZ): a healthy command takes well under 1 ms,
    # so anything slower than this is treated as "Redis down" and the request bypasses it.
    redis_connect_timeout: float = 0.1
    redis_timeout: float = 0.15
    # Circuit breaker: open after this many consecutive Redis failures, probe after cooldown.
    breaker_failures: int = 3
    breaker_cooldown: float = 1.0
    upstream_connect_timeout: float = 1.0
    # Total time allowed for one upstream request (connect + response), the 502/504 bound.
    upstream_timeout: float = 5.0
    # Responses larger than this are passed through but never stored.
    max_entry_bytes: int = 1_048_576
    # Request bodies (writes) larger than this are refused with 413.
    max_request_bytes: int = 1_048_576
    not_found_ttl: float = 5.0
    # Upper bound on any freshness lifetime the upstream asks for.
    max_ttl: float = 86400.0
    # An expired entry with an ETag is kept this much longer, so the next fetch can revalidate
    # it (If-None-Match) and receive a bodiless 304 instead of the whole response.
    revalidate_grace: float = 60.0
    # Coalescing: how often a waiter looks for the fetcher's result, and for how long.
    poll_interval: float = 0.02
    # A crashed fetcher's lease lapses after this; waiters then take over.
    lease_seconds: float = 7.0
    # Workers' metric files (gunicorn.conf.py sets one per master); None = in-process only.
    metrics_dir: str | None = None
    # Seconds between CloudWatch embedded-metric-format log lines per worker (0 = never).
    emf_interval: float = 60.0
    emf_namespace: str = "vitrine"
    key_prefix: str = "vitrine:"
    log_level: str = "INFO"
    # Load balancers in front of this service whose X-Forwarded-* headers are trusted.
    proxies: int = 1

    @property
    def wait_timeout(self) -> float:
        """The longest a coalesced waiter waits before fetching for itself."""
        return self.lease_seconds

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        """Build a Config from VITRINE_<FIELD> variables (upper case), ignoring unset ones."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f"VITRINE_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            kind = type(getattr(cls, f.name)) if getattr(cls, f.name) is not None else str
            values[f.name] = kind(raw)
        return cls(**values)

    def override(self, changes: dict) -> Config:
        """Return a copy with some fields changed (the test hook of create_app)."""
        return replace(self, **changes)
