"""Fixtures shared by every test area: throwaway Redis and MariaDB servers."""

from __future__ import annotations

import pytest

from tests.servers import MariaDBServer, RedisServer


@pytest.fixture(scope="session")
def mariadb():
    """One MariaDB server for the session; tests create their own databases on it."""
    server = MariaDBServer().start()
    yield server
    server.close()


@pytest.fixture
def redis_server():
    """A Redis server of the test's own, so a fault test may stop and restart it."""
    server = RedisServer().start()
    yield server
    server.close()
