"""`python -m services.app seed`: write the deterministic catalog into the database."""

from __future__ import annotations

import logging

import pymysql

from services.app import catalog

log = logging.getLogger("vitrine.seed")

DEFAULT_PRODUCTS = 1200
_LOCK_NAME = "LEFT(CONCAT('vitrine.seed:', DATABASE()), 64)"
_BATCH = 500
_INSERT = (
    "INSERT INTO products (id, sku, category_id, name, description, price_amount, currency,"
    " stock, images, version, created_at, updated_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def seed(conn: pymysql.connections.Connection, products: int, *, if_empty: bool = False) -> int:
    """Replace the catalog with `products` products; return how many were written.

    With if_empty, an existing catalog is left alone (and 0 returned), which makes it safe to
    run at every boot. Instances booting together serialize on a named lock.
    """
    if products < 0:
        raise ValueError("products must be >= 0")
    with conn.cursor() as cur:
        cur.execute(f"SELECT GET_LOCK({_LOCK_NAME}, 120) AS got")
        if (cur.fetchone() or {}).get("got") != 1:
            raise RuntimeError("another instance holds the seed lock; gave up waiting")
        try:
            conn.begin()
            if if_empty:
                cur.execute("SELECT EXISTS (SELECT 1 FROM products) AS found")
                if cur.fetchone()["found"]:
                    conn.rollback()
                    log.info("catalog already present; not seeding")
                    return 0
            category_ids = _write_categories(cur)
            cur.execute("DELETE FROM products")
            rows = [catalog.product(i) for i in range(1, products + 1)]
            for start in range(0, len(rows), _BATCH):
                batch = rows[start : start + _BATCH]
                cur.executemany(_INSERT, [p.row(category_ids[p.category]) for p in batch])
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            cur.execute(f"SELECT RELEASE_LOCK({_LOCK_NAME})")
    log.info("seeded catalog", extra={"products": products})
    return products


def _write_categories(cur) -> dict[str, int]:
    cur.executemany(
        "INSERT INTO categories (slug, name, position) VALUES (%s, %s, %s)"
        " ON DUPLICATE KEY UPDATE name = VALUES(name), position = VALUES(position)",
        [(slug, name, pos) for pos, (slug, name, *_) in enumerate(catalog.CATEGORIES, 1)],
    )
    cur.execute("SELECT id, slug FROM categories")
    return {row["slug"]: row["id"] for row in cur.fetchall()}
