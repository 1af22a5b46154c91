"""The database goes away: quick 503 JSON with Retry-After, liveness unaffected, recovery."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from services.app import create_app
from services.app.config import Config
from services.app.db import Database, DatabaseUnavailable
from tests.servers import MariaDBServer
from tests.services.app.conftest import ADMIN_TOKEN, fresh_database


@pytest.fixture
def own_mariadb():
    """A MariaDB of this test's own, so stopping it disturbs no other test."""
    server = MariaDBServer().start()
    yield server
    server.close()


def _assert_quick_503(client, method: str, path: str, limit: float, **kwargs) -> None:
    started = time.monotonic()
    response = client.open(path, method=method, **kwargs)
    elapsed = time.monotonic() - started
    assert response.status_code == 503, response.data
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert elapsed < limit, f"{method} {path} took {elapsed:.2f}s"


def test_database_stopped_then_back(own_mariadb):
    url = fresh_database(own_mariadb, "down", products=30)
    client = create_app(Config(db_url=url, admin_token=ADMIN_TOKEN)).test_client()
    assert client.get("/api/products/1").status_code == 200  # the thread now holds a connection

    own_mariadb.stop()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    _assert_quick_503(client, "GET", "/api/products/1", 2.5)
    _assert_quick_503(client, "GET", "/api/products", 2.5)
    _assert_quick_503(client, "GET", "/api/categories", 2.5)
    _assert_quick_503(client, "PATCH", "/api/products/1", 2.5, json={"stock": 1}, headers=admin)
    _assert_quick_503(client, "GET", "/readyz", 2.5)
    # Liveness does not depend on the database: instances are not replaced for an RDS outage.
    assert client.get("/healthz").status_code == 200

    own_mariadb.start()
    assert client.get("/readyz").status_code == 200
    assert client.get("/api/products/1").status_code == 200


def test_restart_between_requests_is_invisible_to_clients(own_mariadb):
    """A kept connection that died (failover, restart) is replaced without an error."""
    url = fresh_database(own_mariadb, "failover", products=30)
    client = create_app(Config(db_url=url)).test_client()
    assert client.get("/api/products/2").status_code == 200
    own_mariadb.stop()
    own_mariadb.start()
    assert client.get("/api/products/2").status_code == 200


def test_a_write_after_a_restart_is_not_refused_for_the_dead_kept_connection(own_mariadb):
    """The kept connection died before the write began: nothing was sent, so reconnect."""
    url = fresh_database(own_mariadb, "failover_write", products=30)
    client = create_app(Config(db_url=url, admin_token=ADMIN_TOKEN)).test_client()
    assert client.get("/api/products/3").status_code == 200  # the thread now holds a connection
    own_mariadb.stop()
    own_mariadb.start()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    response = client.patch("/api/products/3", json={"stock": 42}, headers=admin)
    assert response.status_code == 200, response.data
    assert client.get("/api/products/3").get_json()["stock"] == 42


def test_a_database_that_never_answers_costs_at_most_the_connect_timeout():
    """A blackholed endpoint (accepts TCP, never speaks) is cut off by connect_timeout."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    port = listener.getsockname()[1]
    try:
        config = Config(db_url=f"mysql://root:@127.0.0.1:{port}/x", db_connect_timeout=1.0)
        client = create_app(config).test_client()
        _assert_quick_503(client, "GET", "/api/products/1", 1.9)
    finally:
        listener.close()
        for conn, _ in accepted:
            conn.close()


def test_queries_get_the_read_timeout_not_the_connect_timeout(db_url):
    """After the handshake, a query may run up to read_timeout, and no longer."""
    db = Database(Config(db_url=db_url, db_connect_timeout=0.5, db_read_timeout=1.5))
    assert db.query("SELECT SLEEP(0.8) AS slept")[0]["slept"] == 0
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable):
        db.query("SELECT SLEEP(5)")
    assert 1.2 < time.monotonic() - started < 2.5
