"""Secrets Manager reads with a short in-process cache and an explicit re-read after rotation."""

from __future__ import annotations

import json
import os
import threading
import time

import boto3
from botocore.config import Config

# A stalled Secrets Manager endpoint must not hold a database or Redis connect for a minute
# (botocore's defaults): a few seconds, one retry, then the caller's own failure path.
_CLIENT_CONFIG = Config(
    connect_timeout=2, read_timeout=3, retries={"mode": "standard", "total_max_attempts": 2}
)

_lock = threading.Lock()
_cache: dict[str, tuple[float, str]] = {}
_clients: dict[str | None, object] = {}


def _client(region: str | None):
    if region not in _clients:
        _clients[region] = boto3.client(
            "secretsmanager",
            region_name=region or os.environ.get("AWS_REGION"),
            config=_CLIENT_CONFIG,
        )
    return _clients[region]


def get_secret_string(arn: str, *, region: str | None = None, ttl: float = 300.0) -> str:
    """Return the secret's current SecretString, cached for ttl seconds."""
    with _lock:
        hit = _cache.get(arn)
        if hit and time.monotonic() - hit[0] < ttl:
            return hit[1]
    value = _client(region).get_secret_value(SecretId=arn)["SecretString"]
    with _lock:
        _cache[arn] = (time.monotonic(), value)
    return value


def get_secret_json(arn: str, *, region: str | None = None, ttl: float = 300.0) -> dict:
    """Return a JSON secret (such as RDS credentials) as a dict."""
    return json.loads(get_secret_string(arn, region=region, ttl=ttl))


def forget(arn: str | None = None) -> None:
    """Drop the cached value (all values when arn is None), so the next read is fresh."""
    with _lock:
        if arn is None:
            _cache.clear()
            _clients.clear()
        else:
            _cache.pop(arn, None)
