"""Reads: product, listings, categories; their caching headers; bad input gets 4xx JSON."""

from __future__ import annotations

import re

import pytest

from services.app import create_app
from services.app.catalog import CATEGORY_SLUGS
from tests.services.app.conftest import PRODUCTS

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=30, stale-if-error=86400"


def _assert_error(response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body["error"]) == {"code", "message"}
    if code:
        assert body["error"]["code"] == code


def test_product_has_the_contract_shape(client):
    response = client.get("/api/products/1")
    assert response.status_code == 200
    product = response.get_json()
    assert set(product) == {
        "id", "sku", "name", "description", "price", "images", "stock", "category", "version",
        "updated_at",
    }  # fmt: skip
    assert product["id"] == 1
    assert product["category"] == "shoes"
    assert product["price"]["currency"] == "BRL"
    assert re.fullmatch(r"\d+\.\d{2}", product["price"]["amount"])
    assert len(product["images"]) == 4
    assert all(re.fullmatch(r"/img/products/shoes-[1-4]\.svg", i) for i in product["images"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", product["updated_at"])


def test_reads_carry_cache_control_and_a_strong_etag(client):
    for path in ("/api/products/2", "/api/products?page=2", "/api/categories"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == CACHE_CONTROL
        etag = response.headers["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag), "a strong ETag, not W/"
        # Same data, same ETag: every instance of the tier agrees.
        assert client.get(path).headers["ETag"] == etag


def test_cache_control_comes_from_config(config):
    app = create_app(
        config.replace(
            {"cache_max_age": 7, "cache_stale_while_revalidate": 3, "cache_stale_if_error": 99}
        )
    )
    response = app.test_client().get("/api/products/1")
    assert response.headers["Cache-Control"] == (
        "public, max-age=7, stale-while-revalidate=3, stale-if-error=99"
    )


def test_if_none_match_gets_304_without_body(client):
    first = client.get("/api/products/3")
    etag = first.headers["ETag"]
    again = client.get("/api/products/3", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == CACHE_CONTROL
    assert client.get("/api/products/3", headers={"If-None-Match": '"other"'}).status_code == 200
    listing = client.get("/api/categories")
    assert (
        client.get(
            "/api/categories", headers={"If-None-Match": listing.headers["ETag"]}
        ).status_code
        == 304
    )


def test_head_answers_like_get_without_body(client):
    response = client.head("/api/products/4")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"] == client.get("/api/products/4").headers["ETag"]


def test_listing_pages_through_the_catalog_in_id_order(client):
    body = client.get("/api/products?page=2&per_page=10").get_json()
    assert body["page"] == 2 and body["per_page"] == 10 and body["total"] == PRODUCTS
    assert [p["id"] for p in body["items"]] == list(range(11, 21))
    default = client.get("/api/products").get_json()
    assert default["page"] == 1 and len(default["items"]) == default["per_page"] == 24
    last = client.get(f"/api/products?per_page=100&page={PRODUCTS // 100}").get_json()
    assert last["items"][-1]["id"] == PRODUCTS
    beyond = client.get("/api/products?per_page=100&page=999").get_json()
    assert beyond["items"] == [] and beyond["total"] == PRODUCTS


def test_listing_filters_by_category(client):
    body = client.get("/api/products?category=watches&per_page=100").get_json()
    assert body["total"] == PRODUCTS // 12
    assert {p["category"] for p in body["items"]} == {"watches"}
    # An empty category means all, as in the contract's `?category=`.
    assert client.get("/api/products?category=").get_json()["total"] == PRODUCTS
    # Tracking parameters are ignored rather than refused.
    assert client.get("/api/products?utm_source=x&category=hats").status_code == 200


def test_unknown_category_is_a_cacheable_404(client):
    response = client.get("/api/products?category=spaceships")
    _assert_error(response, 404, "not_found")
    assert response.headers["Cache-Control"] == "public, max-age=10"


def test_categories_list_all_twelve_with_counts(client):
    categories = client.get("/api/categories").get_json()
    assert [c["slug"] for c in categories] == list(CATEGORY_SLUGS)
    assert all(set(c) == {"slug", "name", "product_count"} for c in categories)
    assert sum(c["product_count"] for c in categories) == PRODUCTS


def test_missing_product_is_a_cacheable_404(client):
    response = client.get(f"/api/products/{PRODUCTS + 1}")
    _assert_error(response, 404, "not_found")
    assert response.headers["Cache-Control"] == "public, max-age=10"


@pytest.mark.parametrize(
    "raw_id", ["abc", "0", "-1", "01", "1.5", "1e3", "4294967296", "99999999999999999999", "%20"]
)
def test_malformed_product_ids_are_400(client, raw_id):
    response = client.get(f"/api/products/{raw_id}")
    _assert_error(response, 400, "invalid_id")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "query",
    [
        "page=0", "page=-1", "page=x", "page=10001", "page=1.0", "per_page=0", "per_page=101",
        "per_page=abc", "category=Shoes", "category=%27%3B--", "category=" + "a" * 33,
    ],
)  # fmt: skip
def test_bad_listing_parameters_are_400(client, query):
    _assert_error(client.get(f"/api/products?{query}"), 400)


def test_unknown_routes_and_methods_are_json_errors(client):
    _assert_error(client.get("/api/nothing"), 404)
    response = client.delete("/api/products/1")
    _assert_error(response, 405)
    assert "PATCH" in response.headers["Allow"]
    _assert_error(client.post("/api/categories"), 405)


def test_request_id_is_echoed_or_made_up(client):
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == (
        "abc-123"
    )
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/healthz").headers["X-Request-Id"])


def test_health_endpoints(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["database"] == "up"
    assert ready.headers["Cache-Control"] == "no-store"
