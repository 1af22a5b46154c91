"""Fixtures shared by the service tests: a gunicorn-served app tier on a fresh database."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.services.procs import AppTier


@pytest.fixture(scope="module")
def app_tier(mariadb, request):
    """The app tier under real gunicorn (2 workers x 8 threads) on a free port.

    Backed by a fresh database of its own on the session MariaDB, migrated and seeded with
    the deterministic catalog (1200 products; product 1 is in `shoes`). Module-scoped: a
    test that stops it (`.stop()`) must `.start()` it again, e.g. in a `finally`.

    Yields an `AppTier` with `.url`, `.admin_token`, `.db_url`, `.stop()`, `.start()`, and
    `.requests(path=None, method=None)` / `.mark()` to count the requests that reached it
    (from its JSON access log, so the count is exact across worker processes).
    """
    name = re.sub(r"[^a-z0-9]+", "_", request.module.__name__.lower())[-40:]
    tier = AppTier(mariadb, f"t_{name}_{uuid.uuid4().hex[:6]}")
    tier.start()
    yield tier
    tier.close()
