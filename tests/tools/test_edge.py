"""The local edge behaves like the distribution: routing, error page, cache classes, /api proxy."""

from __future__ import annotations

import requests

from tests.servers import free_port
from tools.edge import EdgeServer, cache_control


def test_pretty_urls_serve_the_pages_lambda_origin_chooses(edge):
    home = requests.get(edge.url + "/", timeout=5)
    product = requests.get(edge.url + "/products/42", timeout=5)
    category = requests.get(edge.url + "/category/shoes?page=2", timeout=5)

    assert home.status_code == 200 and "catalog." in home.text
    assert product.status_code == 200 and "product." in product.text
    assert category.status_code == 200 and category.text == home.text
    assert product.headers["Content-Type"].startswith("text/html")


def test_missing_objects_get_the_not_found_page_with_404(edge):
    response = requests.get(edge.url + "/products/not-a-number", timeout=5)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_path_traversal_cannot_leave_the_assets_folder(edge):
    response = requests.get(edge.url + "/%2e%2e/pyproject.toml", timeout=5)
    assert response.status_code == 404
    assert "tool.ruff" not in response.text


def test_cache_classes_match_the_bucket_deployment(edge):
    page = requests.get(edge.url + "/", timeout=5)
    css = next(line.split('"')[3] for line in page.text.splitlines() if "stylesheet" in line)
    static = requests.get(edge.url + css, timeout=5)
    image = requests.get(edge.url + "/img/products/shoes-1.svg", timeout=5)

    assert page.headers["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert static.headers["Content-Type"].startswith("text/css")
    assert image.headers["Cache-Control"] == "public, max-age=86400"
    assert image.headers["Content-Type"] == "image/svg+xml"


def test_security_headers_match_the_distribution_policy(edge):
    from stacks.headers import SECURITY_HEADERS

    for path in ("/", "/api/healthz", "/nope"):
        response = requests.get(edge.url + path, timeout=5)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)


def test_cache_control_classes():
    assert cache_control("404.html") == cache_control("index.html")
    assert "immutable" in cache_control("static/app.3f2a1c9e.js")
    assert cache_control("favicon.svg") == "public, max-age=86400"


def test_etag_lets_the_browser_revalidate(edge):
    first = requests.get(edge.url + "/", timeout=5)
    again = requests.get(
        edge.url + "/", headers={"If-None-Match": first.headers["ETag"]}, timeout=5
    )
    assert again.status_code == 304 and again.content == b""


def test_api_requests_reach_the_cache_tier_with_method_body_and_headers(edge, fake_tier):
    response = requests.patch(
        edge.url + "/api/echo?x=1",
        json={"price": "10.00"},
        headers={"Authorization": "Bearer s3cret", "X-Request-Id": "req-123"},
        timeout=5,
    )

    assert response.status_code == 201
    assert response.headers["X-Request-Id"] == "req-123"
    assert response.headers["Set-Cookie"] == "a=b"
    seen = fake_tier.seen[-1]
    assert (seen["method"], seen["path"]) == ("PATCH", "/api/echo?x=1")
    assert seen["body"] == b'{"price": "10.00"}'
    assert seen["headers"]["Authorization"] == "Bearer s3cret"
    assert seen["headers"]["Content-Type"] == "application/json"
    assert seen["headers"]["X-Forwarded-For"] == "127.0.0.1"


def test_api_is_not_served_from_the_bucket(edge, fake_tier):
    # /api/* never falls through to the assets, even for a path that looks like a file.
    response = requests.get(edge.url + "/api/index.html", timeout=5)
    assert response.status_code == 404
    assert "catalog." not in response.text
    assert fake_tier.seen[-1]["path"] == "/api/index.html"


def test_unreachable_cache_tier_is_a_json_502():
    with EdgeServer(upstream=f"http://127.0.0.1:{free_port()}", port=free_port(), quiet=True) as e:
        response = requests.get(e.url + "/api/products/1", timeout=5)
        page = requests.get(e.url + "/", timeout=5)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "bad_gateway"
    assert page.status_code == 200  # the storefront itself still loads, and can say so
