"""Fixtures of the app-tier tests: a migrated, seeded database per module and the Flask app."""

from __future__ import annotations

import re
import uuid

import pymysql
import pytest

from services.app import create_app
from services.app.config import Config
from services.app.db import parse_db_url
from services.app.migrate import migrate
from services.app.seed import seed

ADMIN_TOKEN = "test-admin-token-0123456789"
PRODUCTS = 1200


def connect(db_url: str) -> pymysql.connections.Connection:
    """A plain autocommit connection for arranging and checking test data."""
    return pymysql.connect(
        **parse_db_url(db_url), cursorclass=pymysql.cursors.DictCursor, autocommit=True
    )


def fresh_database(mariadb, label: str, products: int | None = PRODUCTS) -> str:
    """Create a database on the session server, migrate it, seed it; return its URL."""
    name = re.sub(r"[^a-z0-9]+", "_", label.lower())[-40:] + "_" + uuid.uuid4().hex[:6]
    url = mariadb.create_database(name)
    conn = connect(url)
    try:
        migrate(conn)
        if products:
            seed(conn, products)
    finally:
        conn.close()
    return url


@pytest.fixture(scope="module")
def db_url(mariadb, request) -> str:
    """A database of this test module's own, with the deterministic catalog."""
    return fresh_database(mariadb, request.module.__name__)


@pytest.fixture(scope="module")
def config(db_url) -> Config:
    return Config(db_url=db_url, admin_token=ADMIN_TOKEN)


@pytest.fixture(scope="module")
def app(config):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin() -> dict:
    """Headers of an authorized admin request."""
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
