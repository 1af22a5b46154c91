"""The app tier under real gunicorn, as the cache tier and the ALB see it."""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.integration


def test_serves_products_with_cache_headers_and_request_ids(app_tier):
    response = requests.get(
        f"{app_tier.url}/api/products/1", headers={"X-Request-Id": "trace-42"}, timeout=5
    )
    assert response.status_code == 200
    assert response.json()["id"] == 1
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["ETag"].startswith('"')
    assert response.headers["X-Request-Id"] == "trace-42"
    (entry,) = [e for e in app_tier.requests("/api/products/1") if e["request_id"] == "trace-42"]
    assert entry["status"] == 200 and entry["service"] == "app"


def test_logs_are_json_lines_on_stdout(app_tier):
    lines = app_tier.log_path.read_text().splitlines()
    assert lines, "gunicorn wrote nothing"
    assert all(json.loads(line)["service"] == "app" for line in lines)


def test_keeps_connections_alive(app_tier):
    """gthread workers keep the connection open, so the ALB can reuse it."""
    conn = http.client.HTTPConnection("127.0.0.1", app_tier.port, timeout=5)
    try:
        conn.request("GET", "/api/categories")
        first = conn.getresponse()
        first.read()
        sock = conn.sock
        assert first.status == 200 and sock is not None, "the server closed the connection"
        conn.request("GET", "/api/categories")
        second = conn.getresponse()
        second.read()
        assert second.status == 200
        assert conn.sock is sock
    finally:
        conn.close()


def test_concurrent_requests_are_all_served_and_counted(app_tier):
    app_tier.mark()
    paths = [f"/api/products/{1 + n % 40}" for n in range(80)]
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda p: requests.get(app_tier.url + p, timeout=10), paths))
    assert [r.status_code for r in statuses] == [200] * 80
    assert len(app_tier.requests(method="GET")) == 80
    assert len(app_tier.requests("/api/products/1")) == 2


def test_patch_then_get_shows_the_new_price(app_tier):
    url = f"{app_tier.url}/api/products/77"
    auth = {"Authorization": f"Bearer {app_tier.admin_token}"}
    response = requests.patch(url, json={"price": "42.00"}, headers=auth, timeout=5)
    assert response.status_code == 200
    assert requests.get(url, timeout=5).json()["price"]["amount"] == "42.00"


def test_stop_and_start_keep_the_url(app_tier):
    url = app_tier.url
    app_tier.stop()
    try:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{url}/healthz", timeout=2)
    finally:
        app_tier.start()
    assert app_tier.url == url
    assert requests.get(f"{url}/readyz", timeout=5).status_code == 200
