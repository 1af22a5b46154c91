"""The product API: listings, one product, categories, and the admin PATCH."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request

from services.app import validation
from services.app.errors import ApiError
from services.app.http import cacheable, json_response

bp = Blueprint("products", __name__, url_prefix="/api")

_COLUMNS = (
    "p.id, p.sku, p.name, p.description, p.price_amount, p.currency, p.stock, p.images,"
    " p.version, p.updated_at, c.slug AS category"
)
_FROM = "products p JOIN categories c ON c.id = p.category_id"
_ONE = f"SELECT {_COLUMNS} FROM {_FROM} WHERE p.id = %s"  # noqa: S608 - fixed names


def _tier():
    return current_app.extensions["vitrine"]


def product_json(row: dict) -> dict:
    """The product representation of docs/contracts.md."""
    return {
        "id": row["id"],
        "sku": row["sku"],
        "name": row["name"],
        "description": row["description"],
        "price": {"amount": f"{row['price_amount']:.2f}", "currency": row["currency"]},
        "images": json.loads(row["images"]),
        "stock": row["stock"],
        "category": row["category"],
        "version": row["version"],
        "updated_at": row["updated_at"].strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{row['updated_at'].microsecond // 1000:03d}Z",
    }


def _not_found(message: str) -> ApiError:
    # Short-lived public caching of misses keeps floods of unknown ids off the database.
    max_age = _tier().config.cache_not_found_max_age
    return ApiError(404, "not_found", message, {"Cache-Control": f"public, max-age={max_age}"})


@bp.get("/products")
def list_products() -> Response:
    """A page of products, optionally of one category, in id order."""
    config = _tier().config
    page = validation.bounded_int(request.args, "page", 1, 1, validation.MAX_PAGE)
    per_page = validation.bounded_int(
        request.args, "per_page", config.per_page_default, 1, config.per_page_max
    )
    slug = validation.category_slug(request.args)
    db = _tier().db
    where, args = "", ()
    if slug is not None:
        found = db.query("SELECT id FROM categories WHERE slug = %s", (slug,))
        if not found:
            raise _not_found(f"There is no category {slug!r}.")
        where, args = " WHERE p.category_id = %s", (found[0]["id"],)
    total = db.query(f"SELECT COUNT(*) AS n FROM {_FROM}{where}", args)[0]["n"]  # noqa: S608
    rows = db.query(
        f"SELECT {_COLUMNS} FROM {_FROM}{where} ORDER BY p.id LIMIT %s OFFSET %s",  # noqa: S608
        (*args, per_page, (page - 1) * per_page),
    )
    return cacheable(
        {
            "items": [product_json(r) for r in rows],
            "page": page,
            "per_page": per_page,
            "total": total,
        }
    )


@bp.get("/products/<raw_id>")
def get_product(raw_id: str) -> Response:
    """One product."""
    product_id = validation.product_id(raw_id)
    rows = _tier().db.query(_ONE, (product_id,))
    if not rows:
        raise _not_found(f"There is no product {product_id}.")
    return cacheable(product_json(rows[0]))


@bp.get("/categories")
def list_categories() -> Response:
    """Every category with its product count, in display order."""
    rows = _tier().db.query(
        "SELECT c.slug, c.name, COUNT(p.id) AS product_count FROM categories c"
        " LEFT JOIN products p ON p.category_id = c.id"
        " GROUP BY c.id, c.slug, c.name, c.position ORDER BY c.position, c.id"
    )
    return cacheable(
        [{"slug": r["slug"], "name": r["name"], "product_count": r["product_count"]} for r in rows]
    )


@bp.patch("/products/<raw_id>")
def patch_product(raw_id: str) -> Response:
    """Change price, stock, name or description (admin only); bump version, return it."""
    tier = _tier()
    # Authenticate first: a stranger learns nothing about ids or validation rules.
    tier.admin_token.require(request.headers.get("Authorization"))
    product_id = validation.product_id(raw_id)
    changes = validation.patch_body(request.get_data(cache=False), request.content_type)

    def _update(cur) -> dict | None:
        assignments = ", ".join(f"{column} = %s" for column in changes)
        cur.execute(
            f"UPDATE products SET {assignments}, version = version + 1,"  # noqa: S608 - fixed names
            " updated_at = UTC_TIMESTAMP(3) WHERE id = %s",
            (*changes.values(), product_id),
        )
        if not cur.rowcount:
            return None
        cur.execute(_ONE, (product_id,))
        return cur.fetchone()

    row = tier.db.transaction(_update)
    if row is None:
        raise ApiError(404, "not_found", f"There is no product {product_id}.")
    return json_response(product_json(row))
