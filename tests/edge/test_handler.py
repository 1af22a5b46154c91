"""The origin-request handler maps pretty URLs to the HTML objects in the bucket."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_origin.handler import handler, route

EVENTS = Path(__file__).parent / "events"
ROOT = Path(__file__).resolve().parents[2]

# event file -> the S3 object CloudFront must ask for
EXPECTED = {
    "root": "/index.html",
    "product": "/product.html",
    "product-trailing-slash": "/product.html",
    "category": "/index.html",
    "directory": "/help/index.html",
    "static-asset": "/static/app.3f2a1c9e.js",
    "product-image": "/img/products/shoes-1.svg",
    "not-a-product-id": "/products/abc",
    "not-found-page": "/404.html",
}


def load(name: str) -> dict:
    return json.loads((EVENTS / f"origin-request-{name}.json").read_text())


def test_every_event_file_has_an_expectation():
    names = {
        p.name.removeprefix("origin-request-").removesuffix(".json") for p in EVENTS.glob("*.json")
    }
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_handler_rewrites_only_the_uri(name):
    event = load(name)
    original = copy.deepcopy(event["Records"][0]["cf"]["request"])

    result = handler(event, None)

    assert result["uri"] == EXPECTED[name]
    # CloudFront forwards whatever comes back: querystring, headers, origin must survive as-is.
    assert {k: v for k, v in result.items() if k != "uri"} == {
        k: v for k, v in original.items() if k != "uri"
    }


def test_querystring_is_kept_for_category_paging():
    result = handler(load("category"), None)
    assert (result["uri"], result["querystring"]) == ("/index.html", "page=2")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/products/7", "/product.html"),
        ("/products/", "/products/index.html"),
        ("/products/7/reviews", "/products/7/reviews"),
        ("/products/-1", "/products/-1"),
        ("/category/sunglasses/", "/index.html"),
        ("/category/Shoes", "/category/Shoes"),
        ("/category/../secret", "/category/../secret"),
        ("/index.html", "/index.html"),
        ("/favicon.svg", "/favicon.svg"),
        ("", "/index.html"),
    ],
)
def test_route_edges(uri, expected):
    assert route(uri) == expected


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_./", max_size=40))
def test_paths_with_a_file_extension_pass_untouched(tail):
    uri = f"/static/{tail}.css"
    assert route(uri) == uri


@given(st.integers(min_value=1, max_value=10**12))
def test_any_product_id_serves_the_product_page(product_id):
    assert route(f"/products/{product_id}") == "/product.html"


def test_function_folder_ships_only_the_handler():
    # The CDK asset is the whole folder: anything else in it would be deployed to every edge.
    shipped = {
        p.relative_to(ROOT / "lambda_origin").as_posix()
        for p in (ROOT / "lambda_origin").rglob("*")
        if "__pycache__" not in p.parts
    }
    assert shipped == {"handler.py"}


def test_handler_uses_only_the_standard_library():
    source = (ROOT / "lambda_origin" / "handler.py").read_text()
    imports = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imports <= {"__future__", "re", "json", "typing"}
