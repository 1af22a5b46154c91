"""One fetch per key: concurrent misses across threads and across instances share one fetch."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import redis

from tests.services.cache.conftest import make_app

PRODUCT = "/api/products/3"


def _burst(clients, path, n):
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda i: clients[i % len(clients)].get(path), range(n)))


def test_concurrent_misses_in_two_instances_cause_one_upstream_request(redis_server, upstream):
    # Two cache-tier apps (think: two instances) share one Redis; the app tier is slow, so
    # every request arrives while the first fetch is still running.
    upstream.route(PRODUCT, body=b'{"id": 3}', delay=0.3)
    clients = [make_app(redis_server.url, upstream.url).test_client() for _ in range(2)]

    answers = _burst(clients, PRODUCT, 40)

    assert [a.status_code for a in answers] == [200] * 40
    assert all(a.get_json() == {"id": 3} for a in answers)
    assert upstream.count(PRODUCT) == 1


def test_uncacheable_answers_are_not_shared_between_waiters(redis_server, upstream):
    upstream.route(PRODUCT, headers={"Cache-Control": "private"}, delay=0.2)
    client = make_app(redis_server.url, upstream.url).test_client()
    answers = _burst([client], PRODUCT, 5)
    assert [a.status_code for a in answers] == [200] * 5
    assert upstream.count(PRODUCT) == 5


def test_waiters_get_the_fetchers_error_at_once_instead_of_fetching_again(redis_server, upstream):
    upstream.stop()
    clients = [make_app(redis_server.url, upstream.url).test_client() for _ in range(2)]
    started = time.perf_counter()
    answers = _burst(clients, PRODUCT, 10)
    assert [a.status_code for a in answers] == [502] * 10
    assert time.perf_counter() - started < 1.0


def test_a_crashed_holders_lease_lapses_and_a_waiter_fetches(redis_server, upstream):
    upstream.route(PRODUCT, body=b'{"id": 3}')
    # A holder that took the lease and died: nobody will ever store or release.
    redis.Redis.from_url(redis_server.url).set("vitrine:l:/api/products/3", "dead", px=500)
    client = make_app(redis_server.url, upstream.url).test_client()

    started = time.perf_counter()
    answer = client.get(PRODUCT)
    elapsed = time.perf_counter() - started

    assert (answer.status_code, answer.get_json()) == (200, {"id": 3})
    assert 0.4 < elapsed < 1.0, "waited for the lease to lapse, polling, not for the timeout"
    assert upstream.count(PRODUCT) == 1
    assert client.get(PRODUCT).headers["X-Cache"] == "HIT"


def test_a_waiter_stops_waiting_after_the_bounded_wait_and_fetches_itself(redis_server, upstream):
    upstream.route(PRODUCT, body=b'{"id": 3}')
    # A holder that is alive but stuck: its lease outlasts the waiter's patience (1 s).
    redis.Redis.from_url(redis_server.url).set("vitrine:l:/api/products/3", "stuck", px=60_000)
    client = make_app(redis_server.url, upstream.url, lease_seconds=1.0).test_client()

    started = time.perf_counter()
    answer = client.get(PRODUCT)

    assert answer.status_code == 200
    assert 0.9 < time.perf_counter() - started < 1.5
    assert upstream.count(PRODUCT) == 1


def test_a_waiting_instance_fetches_its_own_copy_of_an_uncacheable_answer(redis_server, upstream):
    # Instance A holds the lease; its answer may not be shared (private), so it leaves a
    # "pass" outcome. Instance B's leader, polling meanwhile, must fetch for itself, not fail.
    upstream.route(PRODUCT, body=b'{"id": 3}', headers={"Cache-Control": "private"}, delay=0.3)
    clients = [make_app(redis_server.url, upstream.url).test_client() for _ in range(2)]

    answers = _burst(clients, PRODUCT, 4)

    assert [a.status_code for a in answers] == [200] * 4
    assert all(a.get_json() == {"id": 3} for a in answers)
