"""Redis down or slow: every request still answers, BYPASS, without multi-second stalls."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import redis

from services.cache.config import Config
from services.cache.store import Store, StoreUnavailable, make_client
from tests.services.cache.conftest import make_app

PRODUCT = "/api/products/5"


def _timed(client, path):
    started = time.perf_counter()
    answer = client.get(path)
    return answer, time.perf_counter() - started


def test_redis_stopped_means_bypass_then_hits_again_when_it_returns(redis_server, upstream):
    upstream.route(PRODUCT, body=b'{"id": 5}')
    client = make_app(redis_server.url, upstream.url, breaker_cooldown=0.5).test_client()
    client.get(PRODUCT)

    redis_server.stop()
    down = [_timed(client, PRODUCT) for _ in range(10)]

    assert [(a.status_code, a.headers["X-Cache"]) for a, _ in down] == [(200, "BYPASS")] * 10
    assert max(t for _, t in down) < 0.3
    assert all(a.get_json() == {"id": 5} for a, _ in down)

    redis_server.start()
    time.sleep(0.6)  # the breaker's cooldown: the next request probes Redis
    labels = [client.get(PRODUCT).headers["X-Cache"] for _ in range(3)]
    assert labels == ["MISS", "HIT", "HIT"]


def test_slow_redis_is_bypassed_within_its_timeout(redis_server, upstream):
    upstream.route(PRODUCT, body=b'{"id": 5}')
    client = make_app(redis_server.url, upstream.url, redis_timeout=0.15).test_client()
    client.get(PRODUCT)
    # CLIENT PAUSE freezes every other client's commands: Redis is up but answers late.
    redis.Redis.from_url(redis_server.url).execute_command("CLIENT", "PAUSE", 2000, "ALL")

    slow = [_timed(client, PRODUCT) for _ in range(5)]

    assert [a.headers["X-Cache"] for a, _ in slow] == ["BYPASS"] * 5
    assert slow[0][1] < 0.4, "one Redis timeout (150 ms) plus the upstream, never seconds"
    # After `breaker_failures` timeouts the breaker opens: no more waiting on Redis at all.
    assert max(t for _, t in slow[3:]) < 0.05


def test_writes_during_an_outage_are_invalidated_when_redis_returns(redis_server, upstream):
    upstream.route(PRODUCT, body=b'{"price": "1.00"}')
    client = make_app(redis_server.url, upstream.url, breaker_cooldown=0.3).test_client()
    client.get(PRODUCT)
    # Redis is paused (not restarted), so it still holds the old price afterwards.
    redis.Redis.from_url(redis_server.url).execute_command("CLIENT", "PAUSE", 1000, "ALL")
    upstream.route(PRODUCT, body=b'{"price": "2.00"}')
    assert client.patch(PRODUCT, json={"price": "2.00"}).status_code == 200
    time.sleep(1.1)

    assert client.get(PRODUCT).get_json() == {"price": "2.00"}
    assert client.get(PRODUCT).get_json() == {"price": "2.00"}


def test_a_deferred_invalidation_reaches_redis_without_waiting_for_a_read(redis_server, upstream):
    # The write's worker may serve no read for a long while; another worker (or instance)
    # reading from the recovered Redis must not keep serving the old price meanwhile.
    upstream.route(PRODUCT, body=b'{"price": "1.00"}')
    writer, reader = (
        make_app(redis_server.url, upstream.url, breaker_cooldown=0.3).test_client()
        for _ in range(2)
    )
    reader.get(PRODUCT)
    redis.Redis.from_url(redis_server.url).execute_command("CLIENT", "PAUSE", 500, "ALL")
    upstream.route(PRODUCT, body=b'{"price": "2.00"}')
    assert writer.patch(PRODUCT, json={"price": "2.00"}).status_code == 200
    time.sleep(1.5)  # the pause ends; the writer's worker serves nothing meanwhile

    assert reader.get(PRODUCT).get_json() == {"price": "2.00"}


@pytest.fixture
def black_hole():
    """A port that accepts TCP connections (kernel backlog) but never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(100)
    yield sock.getsockname()[1]
    sock.close()


@pytest.mark.parametrize("where", ["refused", "black hole"])
def test_the_redis_client_gives_up_in_milliseconds_not_seconds(where, black_hole):
    # redis-py 8's default Retry would spend ~4-5 s here; ours must honour the short timeouts.
    port = black_hole if where == "black hole" else 1
    client = make_client(Config(redis_url=f"redis://127.0.0.1:{port}/0", redis_timeout=0.15))
    started = time.perf_counter()
    with pytest.raises(redis.RedisError):
        client.get("x")
    assert time.perf_counter() - started < 0.4


def test_the_breaker_stops_calls_to_a_dead_redis_and_probes_after_the_cooldown(redis_server):
    store = Store(Config(redis_url=redis_server.url, breaker_failures=2, breaker_cooldown=0.3))
    assert store.get("k") is None
    redis_server.stop()
    for _ in range(2):
        with pytest.raises(StoreUnavailable):
            store.get("k")
    assert store.breaker.state == "open"
    redis_server.start()
    with pytest.raises(StoreUnavailable, match="circuit open"):
        store.get("k")  # still cooling down: Redis is not even asked
    time.sleep(0.35)
    assert store.get("k") is None  # the probe succeeds and closes the breaker
    assert store.breaker.state == "closed"


def test_only_one_probe_at_a_time_when_half_open(redis_server):
    store = Store(Config(redis_url=redis_server.url, breaker_failures=1, breaker_cooldown=0.1))
    redis_server.stop()
    with pytest.raises(StoreUnavailable):
        store.get("k")
    time.sleep(0.15)
    assert store.breaker.allow() is True  # this caller is the probe
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(store.breaker.allow())) for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [False] * 5
