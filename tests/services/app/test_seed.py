"""The demo catalog: deterministic, a dozen categories, BRL prices, images that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.app import __main__ as cli
from services.app import catalog
from services.app.seed import DEFAULT_PRODUCTS
from tests.services.app.conftest import connect, fresh_database

ASSETS = Path(__file__).resolve().parents[3] / "assets"
CONTRACT_SLUGS = (
    "shoes shirts trousers dresses jackets bags watches jewelry hats sunglasses belts scarves"
).split()


def _catalog(conn) -> list[dict]:
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM products ORDER BY id")
        return list(cur.fetchall())


@pytest.fixture
def cli_db(mariadb, monkeypatch) -> str:
    """An empty, migrated database that the CLI finds through VITRINE_DB_URL."""
    url = fresh_database(mariadb, "seed_cli", products=None)
    monkeypatch.setenv("VITRINE_DB_URL", url)
    monkeypatch.delenv("VITRINE_DB_SECRET_ARN", raising=False)
    return url


def test_default_seed_writes_over_a_thousand_products_in_the_contract_categories(cli_db):
    assert DEFAULT_PRODUCTS >= 1000
    assert cli.main(["seed"]) == 0
    conn = connect(cli_db)
    try:
        products = _catalog(conn)
        with conn.cursor() as cur:
            cur.execute("SELECT slug FROM categories ORDER BY position")
            slugs = [r["slug"] for r in cur.fetchall()]
    finally:
        conn.close()
    assert len(products) == DEFAULT_PRODUCTS
    assert slugs == CONTRACT_SLUGS
    assert {p["currency"] for p in products} == {"BRL"}
    assert all(p["price_amount"] > 0 for p in products)
    assert all(re.fullmatch(r"\d+\.\d{2}", str(p["price_amount"])) for p in products)
    assert len({p["sku"] for p in products}) == len(products)


def test_seeding_twice_yields_the_same_catalog(cli_db):
    assert cli.main(["seed", "--products", "50"]) == 0
    conn = connect(cli_db)
    try:
        first = _catalog(conn)
        assert cli.main(["seed", "--products", "50"]) == 0
        assert _catalog(conn) == first
    finally:
        conn.close()


def test_if_empty_leaves_an_existing_catalog_alone(cli_db):
    assert cli.main(["seed", "--products", "20"]) == 0
    conn = connect(cli_db)
    try:
        with conn.cursor() as cur:
            cur.execute("UPDATE products SET stock = 4242 WHERE id = 3")
        assert cli.main(["seed", "--products", "40", "--if-empty"]) == 0
        products = _catalog(conn)
    finally:
        conn.close()
    assert len(products) == 20
    assert products[2]["stock"] == 4242


def test_cli_reports_an_unreachable_database_without_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("VITRINE_DB_URL", "mysql://root:@127.0.0.1:1/nothing")
    assert cli.main(["migrate"]) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("slug", CONTRACT_SLUGS)
def test_every_seeded_image_exists_in_the_storefront_assets(slug):
    missing = [p for p in catalog.image_paths(slug) if not (ASSETS / p.lstrip("/")).is_file()]
    assert missing == [], f"seeded products point at images missing under assets/: {missing}"


def test_catalog_data_is_in_contract_shape():
    assert catalog.CATEGORY_SLUGS == tuple(CONTRACT_SLUGS)
    product = catalog.product(13)
    assert product.category == "shoes"
    assert sorted(product.images) == catalog.image_paths("shoes")
    assert catalog.product(13) == product
