"""The cache tier under gunicorn in front of the real app tier (gunicorn + MariaDB).

Requests reaching the app tier are counted from its access log (tests/services/procs.py),
so "exactly one fetch" is measured where it matters, across every cache worker and process.
"""

from __future__ import annotations

import json
import string
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.services.procs import run_gunicorn

pytestmark = pytest.mark.integration

REDIS_TIMEOUT = 0.15
UPSTREAM_TIMEOUT = 3.0


def cache_tier(redis_url: str, upstream_url: str, **env: str):
    """A cache-tier gunicorn (2 workers x 32 threads) with its own config file."""
    settings_env = {
        "VITRINE_REDIS_URL": redis_url,
        "VITRINE_UPSTREAM_URL": upstream_url,
        "VITRINE_REDIS_TIMEOUT": str(REDIS_TIMEOUT),
        "VITRINE_UPSTREAM_TIMEOUT": str(UPSTREAM_TIMEOUT),
        "VITRINE_BREAKER_COOLDOWN": "0.5",
        "VITRINE_EMF_INTERVAL": "0",
        "VITRINE_METRICS_DIR": "",
        **env,
    }
    return run_gunicorn(
        "services.cache.wsgi:app",
        "services/cache/gunicorn.conf.py",
        settings_env,
        workers=2,
        threads=32,
    )


@pytest.fixture
def cache(redis_server, app_tier):
    service = cache_tier(redis_server.url, app_tier.url)
    yield service
    service.close()


def burst(urls: list[str], n: int) -> list[requests.Response]:
    """n GETs at once, spread over urls."""
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda i: requests.get(urls[i % len(urls)], timeout=30), range(n)))


def test_200_concurrent_cold_gets_reach_the_app_tier_once(cache, app_tier):
    app_tier.mark()
    answers = burst([cache.url + "/api/products/11"], 200)

    assert [a.status_code for a in answers] == [200] * 200
    assert {a.json()["id"] for a in answers} == {11}
    assert len(app_tier.requests("/api/products/11", "GET")) == 1
    # /metrics sums both workers: every request is counted exactly once.
    totals = metrics(cache.url)
    assert sum(totals[k] for k in ("hit", "miss", "stale", "bypass")) == 200


def test_two_cache_processes_sharing_redis_fetch_once(redis_server, app_tier):
    first = cache_tier(redis_server.url, app_tier.url)
    second = cache_tier(redis_server.url, app_tier.url)
    try:
        app_tier.mark()
        answers = burst([first.url + "/api/products/12", second.url + "/api/products/12"], 200)
    finally:
        first.close()
        second.close()
    assert [a.status_code for a in answers] == [200] * 200
    assert len(app_tier.requests("/api/products/12", "GET")) == 1


def test_a_patched_price_is_read_back_through_the_cache(cache, app_tier):
    url = cache.url + "/api/products/21"
    before = requests.get(url, timeout=5).json()
    assert requests.get(url, timeout=5).headers["X-Cache"] == "HIT"
    new_price = "1.23" if before["price"]["amount"] != "1.23" else "4.56"

    patched = requests.patch(
        url,
        json={"price": new_price},
        headers={"Authorization": f"Bearer {app_tier.admin_token}"},
        timeout=5,
    )

    assert patched.status_code == 200, patched.text
    after = requests.get(url, timeout=5)
    assert after.json()["price"]["amount"] == new_price
    again = requests.get(url, timeout=5)
    assert (again.headers["X-Cache"], again.json()["price"]["amount"]) == ("HIT", new_price)


def test_redis_stopped_mid_test_bypasses_quickly_then_hits_when_back(cache, redis_server, app_tier):
    url = cache.url + "/api/products/31"
    requests.get(url, timeout=5)
    # What the app tier alone takes, measured now on this machine.
    upstream_time = max(
        _elapsed(lambda: requests.get(app_tier.url + "/api/products/31")) for _ in range(5)
    )

    redis_server.stop()
    answers = [_timed_get(url) for _ in range(40)]

    assert {(a.status_code, a.headers["X-Cache"]) for a, _ in answers} == {(200, "BYPASS")}
    slowest = max(t for _, t in answers)
    assert slowest < REDIS_TIMEOUT + upstream_time + 0.1, f"slowest BYPASS took {slowest:.3f}s"

    redis_server.start()
    deadline = time.monotonic() + 5
    labels: list[str] = []
    while time.monotonic() < deadline and labels[-6:] != ["HIT"] * 6:
        labels.append(requests.get(url, timeout=5).headers["X-Cache"])
        time.sleep(0.05)
    assert labels[-6:] == ["HIT"] * 6, labels


def test_app_tier_stopped_serves_cached_products_stale_and_fails_fast_otherwise(
    redis_server, app_tier
):
    # Trust freshness for 1 s only, so the cached copy is stale but within stale-if-error.
    cache = cache_tier(redis_server.url, app_tier.url, VITRINE_MAX_TTL="1")
    try:
        for product in (41, 42):
            requests.get(f"{cache.url}/api/products/{product}", timeout=5)
        time.sleep(1.1)
        app_tier.stop()
        try:
            cached = [requests.get(f"{cache.url}/api/products/{p}", timeout=5) for p in (41, 42)]
            started = time.perf_counter()
            uncached = requests.get(f"{cache.url}/api/products/43", timeout=10)
            elapsed = time.perf_counter() - started
        finally:
            app_tier.start()
    finally:
        cache.close()

    assert [(a.status_code, a.headers["X-Cache"]) for a in cached] == [(200, "STALE")] * 2
    assert [a.json()["id"] for a in cached] == [41, 42]
    assert uncached.status_code in (502, 504)
    assert uncached.json()["error"]["code"].startswith("upstream_")
    assert elapsed < UPSTREAM_TIMEOUT


ENDPOINTS = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/healthz",
    "/api/products",
    "/api/products/1",
    "/api/categories",
    "/api/openapi.json",
]
_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_token = st.text(alphabet=string.ascii_letters + string.digits + "-._~%", max_size=30)


@st.composite
def bad_requests(draw):
    path = draw(st.sampled_from(ENDPOINTS))
    if draw(st.booleans()):
        path += "/" + quote(draw(_text), safe="")
    if draw(st.booleans()):
        path = path.replace(
            "/1",
            "/" + draw(st.sampled_from(["-1", "0", "1e9", "abc", "99999999999999999999", "%zz"])),
        )
    query = draw(st.dictionaries(_token, _text, max_size=4))
    headers = {}
    if draw(st.booleans()):
        headers["Authorization"] = "Bearer " + draw(_token)
    if draw(st.booleans()):
        headers["If-None-Match"] = draw(_token)
    if draw(st.booleans()):
        headers["X-Request-Id"] = draw(_token)
    method = draw(st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]))
    body = draw(
        st.one_of(
            st.none(),
            st.binary(max_size=200),
            st.dictionaries(
                _token, st.one_of(_text, st.integers(), st.floats(allow_nan=False)), max_size=4
            ).map(lambda d: json.dumps(d).encode()),
        )
    )
    return method, path, query, headers, body


def test_bad_input_on_every_endpoint_never_gets_a_5xx(cache):
    session = requests.Session()

    @settings(
        max_examples=120,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(bad_requests())
    def check(case):
        method, path, query, headers, body = case
        answer = session.request(
            method, cache.url + path, params=query, headers=headers, data=body, timeout=10
        )
        assert answer.status_code < 500, (method, path, query, answer.status_code, answer.text)

    try:
        check()
    finally:
        session.close()


def metrics(base: str) -> dict[str, int]:
    """The cache tier's counters, parsed from /metrics."""
    totals = {}
    for line in requests.get(base + "/metrics", timeout=5).text.splitlines():
        if line.startswith("vitrine_cache_"):
            name, value = line.split()
            totals[name.removeprefix("vitrine_cache_").removesuffix("_total")] = int(value)
    return totals


def _elapsed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _timed_get(url: str):
    started = time.perf_counter()
    answer = requests.get(url, timeout=5)
    return answer, time.perf_counter() - started
