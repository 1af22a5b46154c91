"""Cache keys and invalidation tags."""

from __future__ import annotations

import json

from services.cache.keys import entry_tags, redis_key, upstream_target, write_tags


def test_query_is_sorted_and_tracking_parameters_dropped():
    args = [
        ("page", "2"),
        ("utm_source", "x"),
        ("UTM_Medium", "y"),
        ("gclid", "1"),
        ("fbclid", "2"),
        ("category", "shoes"),
    ]
    assert upstream_target("/api/products", args) == "/api/products?category=shoes&page=2"


def test_special_characters_are_percent_encoded_once():
    target = upstream_target("/api/products/a b", [("q", "a&b=c"), ("x", "é")])
    assert target == "/api/products/a%20b?q=a%26b%3Dc&x=%C3%A9"


def test_without_normalization_order_and_all_parameters_are_kept():
    assert upstream_target("/api/x", [("b", "1"), ("utm_id", "2")], False) == "/api/x?b=1&utm_id=2"


def test_long_keys_are_hashed():
    long = "/api/products?" + "a=1&" * 200
    assert redis_key(long).startswith("sha256:") and len(redis_key(long)) < 80
    assert redis_key("/api/products/1") == "/api/products/1"


def test_a_listing_is_tagged_with_the_products_it_shows():
    body = json.dumps({"items": [{"id": 1}, {"id": 42}], "total": 2}).encode()
    tags = entry_tags("/api/products", {}, body, "application/json")
    assert tags == {"path:/api/products", "list", "p:1", "p:42"}


def test_a_product_page_is_tagged_with_its_id():
    assert entry_tags("/api/products/0042", {}, b"{}", "application/json") == {
        "path:/api/products/0042",
        "p:42",
    }


def test_a_patch_clears_the_product_not_every_listing_but_a_delete_does():
    assert write_tags("PATCH", "/api/products/7") == {"path:/api/products/7", "p:7"}
    assert "list" in write_tags("DELETE", "/api/products/7")
    assert "list" in write_tags("POST", "/api/products")


def test_repeated_parameters_keep_their_order():
    # The app tier reads the first value: sorting values would answer a different question.
    first_shoes = [("page", "2"), ("category", "shoes"), ("category", "bags")]
    first_bags = [("category", "bags"), ("page", "2"), ("category", "shoes")]
    assert upstream_target("/api/products", first_shoes) == (
        "/api/products?category=shoes&category=bags&page=2"
    )
    assert upstream_target("/api/products", first_bags) == (
        "/api/products?category=bags&category=shoes&page=2"
    )
