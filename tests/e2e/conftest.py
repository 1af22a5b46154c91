"""The whole local stack (edge, cache tier, app tier, MariaDB, Redis) and headless Chromium."""

from __future__ import annotations

import secrets
from pathlib import Path

import pymysql
import pytest

from tests.servers import RedisServer, free_port
from tools.local import LocalStack

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
PRODUCTS = 60  # three catalog pages of 24


@pytest.fixture(scope="session")
def stack(mariadb, tmp_path_factory):
    """`make local` on free ports, against the suite's MariaDB and a Redis of its own."""
    redis_server = RedisServer().start()
    local = LocalStack(
        db_url=mariadb.create_database("vitrine_e2e"),
        redis_url=redis_server.url,
        admin_token=secrets.token_urlsafe(16),
        edge_port=free_port(),
        cache_port=free_port(),
        app_port=free_port(),
        products=PRODUCTS,
        log_dir=tmp_path_factory.mktemp("local-stack-logs"),
        quiet=True,
    )
    try:
        with local:
            yield local
    finally:
        redis_server.close()


@pytest.fixture
def db(stack):
    """A connection to the stack's database, to compare the page with what is stored."""
    from urllib.parse import urlsplit

    url = urlsplit(stack.db_url)
    conn = pymysql.connect(
        host=url.hostname,
        port=url.port,
        user=url.username,
        password=url.password or "",
        database=url.path.lstrip("/"),
        cursorclass=pymysql.cursors.DictCursor,
        autocommit=True,
    )
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab; JavaScript errors on the page fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
