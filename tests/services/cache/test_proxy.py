"""What a client of the cache tier sees: HIT/MISS/STALE, freshness, conditionals, writes.

Flask test client, a real Redis, and a real HTTP stub as the app tier (conftest.py).
"""

from __future__ import annotations

import json
import threading
import time

from tests.services.cache.conftest import make_app

PRODUCT = "/api/products/7"
JSON = "application/json"


def test_miss_then_hit_keeps_the_upstream_headers(client, upstream):
    upstream.route(
        PRODUCT,
        body=b'{"id": 7}',
        headers={"Content-Type": JSON, "Cache-Control": "public, max-age=60", "ETag": '"v1"'},
    )
    first = client.get(PRODUCT)
    second = client.get(PRODUCT)

    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert second.get_json() == {"id": 7}
    assert second.headers["ETag"] == '"v1"'
    assert second.headers["Cache-Control"] == "public, max-age=60"
    assert second.headers["Content-Type"] == JSON
    assert int(second.headers["Age"]) >= 0
    assert upstream.count(PRODUCT) == 1


def test_age_grows_with_time_in_cache_and_counts_the_upstream_age(client, upstream):
    upstream.route(PRODUCT, headers={"Cache-Control": "max-age=60", "Age": "5"})
    client.get(PRODUCT)
    time.sleep(1.1)
    assert int(client.get(PRODUCT).headers["Age"]) == 6


def test_query_order_and_tracking_parameters_share_one_entry(client, upstream):
    upstream.route("/api/products")
    client.get("/api/products?page=2&category=shoes")
    again = client.get("/api/products?category=shoes&utm_source=mail&page=2&gclid=x&fbclid=y")

    assert again.headers["X-Cache"] == "HIT"
    assert upstream.count("/api/products") == 1
    # The app tier never sees the tracking parameters.
    assert upstream.seen[0].query_string == b"category=shoes&page=2"


def test_different_query_is_a_different_entry(client, upstream):
    upstream.route("/api/products")
    client.get("/api/products?page=1")
    assert client.get("/api/products?page=2").headers["X-Cache"] == "MISS"
    assert upstream.count("/api/products") == 2


def test_s_maxage_wins_over_max_age(client, upstream):
    upstream.route(PRODUCT, headers={"Cache-Control": "max-age=60, s-maxage=1"})
    client.get(PRODUCT)
    assert client.get(PRODUCT).headers["X-Cache"] == "HIT"
    time.sleep(1.1)
    assert client.get(PRODUCT).headers["X-Cache"] == "MISS"
    assert upstream.count(PRODUCT) == 2


def test_uncacheable_responses_are_fetched_every_time(client, upstream):
    cases = {
        "/api/a": {"Cache-Control": "no-store"},
        "/api/b": {"Cache-Control": "private, max-age=60"},
        "/api/c": {"Cache-Control": "max-age=60", "Set-Cookie": "session=1"},
        "/api/d": {"Cache-Control": "no-cache, max-age=60"},
        "/api/e": {},
    }
    for path, headers in cases.items():
        upstream.route(path, headers=headers)
    for path in cases:
        client.get(path)
        assert client.get(path).headers["X-Cache"] == "MISS", path
        assert upstream.count(path) == 2, path


def test_requests_with_authorization_are_not_cached_nor_served_from_cache(client, upstream):
    upstream.route(PRODUCT, body=b'{"shared": true}')
    client.get(PRODUCT)  # cached for anonymous readers
    upstream.route(PRODUCT, body=b'{"personal": true}')

    answer = client.get(PRODUCT, headers={"Authorization": "Bearer secret"})

    assert answer.get_json() == {"personal": True}
    assert upstream.seen[-1].headers["Authorization"] == "Bearer secret"
    assert client.get(PRODUCT).get_json() == {"shared": True}


def test_responses_over_the_size_bound_are_served_whole_but_not_stored(redis_server, upstream):
    client = make_app(redis_server.url, upstream.url, max_entry_bytes=1000).test_client()
    big = b"[" + b"1," * 5000 + b"1]"
    upstream.route("/api/big", body=big)

    first = client.get("/api/big")
    second = client.get("/api/big")

    assert first.get_data() == big and second.get_data() == big
    assert second.headers["X-Cache"] == "MISS"
    assert upstream.count("/api/big") == 2


def test_404s_are_cached_briefly(redis_server, upstream):
    client = make_app(redis_server.url, upstream.url, not_found_ttl=1.0).test_client()
    upstream.route(
        "/api/products/999",
        status=404,
        body=b'{"error": {"code": "not_found"}}',
        headers={"Content-Type": JSON, "Cache-Control": "public, max-age=600"},
    )
    assert client.get("/api/products/999").status_code == 404
    again = client.get("/api/products/999")
    assert (again.status_code, again.headers["X-Cache"]) == (404, "HIT")
    time.sleep(1.1)
    assert client.get("/api/products/999").headers["X-Cache"] == "MISS"
    assert upstream.count("/api/products/999") == 2


def test_5xx_is_never_cached(client, upstream):
    upstream.route(PRODUCT, status=503, headers={"Cache-Control": "max-age=60"})
    assert client.get(PRODUCT).status_code == 503
    assert client.get(PRODUCT).status_code == 503
    assert upstream.count(PRODUCT) == 2


def test_if_none_match_is_answered_from_the_cache_with_304(client, upstream):
    upstream.route(PRODUCT, headers={"Cache-Control": "max-age=60", "ETag": '"abc"'})
    client.get(PRODUCT)

    same = client.get(PRODUCT, headers={"If-None-Match": '"abc"'})
    other = client.get(PRODUCT, headers={"If-None-Match": '"old"'})

    assert same.status_code == 304 and same.get_data() == b""
    assert same.headers["ETag"] == '"abc"' and same.headers["X-Cache"] == "HIT"
    assert other.status_code == 200
    assert upstream.count(PRODUCT) == 1


def test_head_is_served_from_the_same_entry(client, upstream):
    upstream.route(PRODUCT, body=b'{"id": 7}')
    client.get(PRODUCT)
    head = client.head(PRODUCT)
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["X-Cache"] == "HIT"
    assert upstream.count(PRODUCT) == 1


def test_stale_while_revalidate_answers_at_once_and_refreshes_once(client, upstream):
    route = upstream.route(
        PRODUCT, body=b'{"v": 1}', headers={"Cache-Control": "max-age=1, stale-while-revalidate=30"}
    )
    client.get(PRODUCT)
    time.sleep(1.1)
    route.body, route.delay = b'{"v": 2}', 0.5

    started = time.perf_counter()
    answers = [client.get(PRODUCT) for _ in range(5)]
    elapsed = time.perf_counter() - started

    assert [a.headers["X-Cache"] for a in answers] == ["STALE"] * 5
    assert all(a.get_json() == {"v": 1} for a in answers)
    assert elapsed < 0.4, "stale answers must not wait for the refresh"
    time.sleep(0.8)
    fresh = client.get(PRODUCT)
    assert (fresh.headers["X-Cache"], fresh.get_json()) == ("HIT", {"v": 2})
    assert upstream.count(PRODUCT) == 2, "exactly one background refresh"


def test_revalidation_with_a_matching_etag_keeps_the_body(client, upstream):
    upstream.route(
        PRODUCT, body=b'{"v": 1}', headers={"Cache-Control": "max-age=1", "ETag": '"e1"'}
    )
    client.get(PRODUCT)
    time.sleep(1.1)
    upstream.route(PRODUCT, status=304, body=b"", headers={"Cache-Control": "max-age=60"})

    answer = client.get(PRODUCT)

    assert (answer.status_code, answer.get_json()) == (200, {"v": 1})
    assert upstream.seen[-1].headers["If-None-Match"] == '"e1"'
    assert client.get(PRODUCT).headers["X-Cache"] == "HIT"


def test_stale_if_error_serves_the_old_copy_when_the_upstream_fails(client, upstream):
    upstream.route(
        PRODUCT, body=b'{"v": 1}', headers={"Cache-Control": "max-age=1, stale-if-error=60"}
    )
    client.get(PRODUCT)
    time.sleep(1.1)
    upstream.route(PRODUCT, status=503, body=b"down")
    failed = client.get(PRODUCT)
    upstream.stop()
    unreachable = client.get(PRODUCT)

    for answer in (failed, unreachable):
        assert (answer.status_code, answer.headers["X-Cache"]) == (200, "STALE")
        assert answer.get_json() == {"v": 1}


def test_must_revalidate_is_never_served_stale(client, upstream):
    upstream.route(
        PRODUCT, headers={"Cache-Control": "max-age=1, must-revalidate, stale-if-error=60"}
    )
    client.get(PRODUCT)
    time.sleep(1.1)
    upstream.stop()
    assert client.get(PRODUCT).status_code == 502


def test_upstream_down_with_nothing_cached_is_a_quick_502(client, upstream):
    upstream.stop()
    started = time.perf_counter()
    answer = client.get(PRODUCT)
    assert answer.status_code == 502
    assert answer.get_json()["error"]["code"] == "upstream_unavailable"
    assert time.perf_counter() - started < 0.5


def test_upstream_too_slow_is_a_504_within_the_upstream_timeout(client, upstream):
    upstream.route(PRODUCT, delay=3.0)
    started = time.perf_counter()
    answer = client.get(PRODUCT)
    elapsed = time.perf_counter() - started
    assert answer.status_code == 504
    assert answer.get_json()["error"]["code"] == "upstream_timeout"
    assert 0.9 < elapsed < 1.5  # upstream_timeout is 1 s in these tests


def test_writes_pass_through_with_body_and_authorization(client, upstream):
    upstream.route(PRODUCT, body=b'{"id": 7, "price": "9.90"}', headers={"Content-Type": JSON})
    answer = client.patch(
        PRODUCT, json={"price": "9.90"}, headers={"Authorization": "Bearer t0ken"}
    )
    assert answer.status_code == 200
    sent = upstream.seen[-1]
    assert sent.method == "PATCH"
    assert sent.headers["Authorization"] == "Bearer t0ken"
    assert json.loads(upstream.bodies[-1]) == {"price": "9.90"}


def test_headers_named_in_connection_stay_on_their_hop(client, upstream):
    upstream.route(
        PRODUCT,
        body=b'{"id": 7}',
        headers={"Connection": "X-Upstream-Hop", "X-Upstream-Hop": "1", "X-Kept": "yes"},
    )
    answer = client.patch(
        PRODUCT,
        json={"stock": 1},
        headers={"Connection": "X-Client-Hop", "X-Client-Hop": "secret", "X-Other": "ok"},
    )
    sent = upstream.seen[-1]
    assert "X-Client-Hop" not in sent.headers and sent.headers["X-Other"] == "ok"
    assert "X-Upstream-Hop" not in answer.headers and answer.headers["X-Kept"] == "yes"


def test_a_successful_write_invalidates_the_product_and_the_listings_showing_it(client, upstream):
    upstream.route(PRODUCT, body=b'{"id": 7, "price": "1.00"}')
    upstream.route("/api/products", body=b'{"items": [{"id": 7}, {"id": 8}], "total": 2}')
    upstream.route("/api/products/99", body=b'{"id": 99}')
    upstream.route("/api/categories", body=b"[]")
    for path in (PRODUCT, "/api/products?page=1", "/api/products/99", "/api/categories"):
        client.get(path)
    upstream.route(PRODUCT, body=b'{"id": 7, "price": "2.00"}')

    assert client.patch(PRODUCT, json={"price": "2.00"}).status_code == 200

    assert client.get(PRODUCT).get_json()["price"] == "2.00"
    assert client.get("/api/products?page=1").headers["X-Cache"] == "MISS"
    # What does not show product 7 stays cached.
    assert client.get("/api/products/99").headers["X-Cache"] == "HIT"
    assert client.get("/api/categories").headers["X-Cache"] == "HIT"


def test_a_failed_write_invalidates_nothing(client, upstream):
    upstream.route(PRODUCT, body=b'{"id": 7}')
    client.get(PRODUCT)
    upstream.route(PRODUCT, status=401, body=b'{"error": {}}', headers={})
    assert client.patch(PRODUCT, json={"price": "2.00"}).status_code == 401
    assert client.get(PRODUCT).headers["X-Cache"] == "HIT"


def test_a_fetch_that_started_before_a_write_cannot_store_the_old_price(client, upstream):
    route = upstream.route(PRODUCT, body=b'{"price": "1.00"}', delay=0.6)
    slow = {}
    reader = threading.Thread(target=lambda: slow.update(r=client.get(PRODUCT)))
    reader.start()
    time.sleep(0.2)  # the read is now waiting on the app tier, holding the old price
    route.body, route.delay = b'{"price": "2.00"}', 0.0
    assert client.patch(PRODUCT, json={"price": "2.00"}).status_code == 200
    reader.join()

    assert slow["r"].get_json() == {"price": "1.00"}  # it was concurrent with the write
    after = client.get(PRODUCT)
    assert after.get_json() == {"price": "2.00"}
    assert client.get(PRODUCT).get_json() == {"price": "2.00"}


def test_non_api_paths_and_dot_segments_are_refused_without_reaching_the_app_tier(client, upstream):
    assert client.get("/nothing").status_code == 404
    assert client.get("/api/../readyz").status_code == 400
    assert sum(upstream.hits.values()) == 0


def test_request_id_is_propagated_to_the_app_tier(client, upstream):
    upstream.route(PRODUCT)
    answer = client.get(PRODUCT, headers={"X-Request-Id": "abc-123"})
    assert answer.headers["X-Request-Id"] == "abc-123"
    assert upstream.seen[-1].headers["X-Request-Id"] == "abc-123"


def test_a_repeated_parameter_reaches_the_app_tier_in_the_clients_order(client, upstream):
    upstream.route("/api/products")
    client.get("/api/products?category=shoes&category=bags")
    client.get("/api/products?category=bags&category=shoes")
    assert [s.args.get("category") for s in upstream.seen] == ["shoes", "bags"]


def test_a_passed_through_head_keeps_the_length_of_the_body_it_describes(client, upstream):
    upstream.route(PRODUCT, body=b'{"id": 7}')
    head = client.head(PRODUCT, headers={"Authorization": "Bearer t0ken"})
    assert upstream.seen[-1].method == "HEAD"
    assert (head.status_code, head.get_data()) == (200, b"")
    assert head.headers["Content-Length"] == "9"
