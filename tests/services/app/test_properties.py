"""Property-based bad input on every endpoint: always a JSON answer, never a 5xx."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.services.app.conftest import ADMIN_TOKEN

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
ids = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.text(max_size=30)
    .map(lambda s: quote(s, safe=""))
    .filter(lambda s: s not in ("", ".", "..")),
    st.sampled_from(["1", "01", "1.0", "0x1", " 1", "1 ", "%00", "1e9", "١"]),
)
queries = st.dictionaries(
    st.sampled_from(["page", "per_page", "category", "utm_source", "x"]) | st.text(max_size=8),
    st.text(max_size=20) | st.integers(-(10**12), 10**12).map(str),
    max_size=4,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
patch_bodies = st.one_of(
    st.dictionaries(
        st.sampled_from(["price", "stock", "name", "description", "sku", "id"]),
        json_values | st.from_regex(r"-?[0-9]{0,12}(\.[0-9]{0,4})?", fullmatch=True),
        max_size=4,
    ).map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
)


def _check(response) -> None:
    assert response.status_code < 500, (response.status_code, response.data[:300])
    if response.status_code >= 400:
        assert set(response.get_json()["error"]) == {"code", "message"}


@SETTINGS
@given(raw_id=ids, inm=header_text, request_id=header_text)
def test_get_product_never_fails(app, raw_id, inm, request_id):
    response = app.test_client().get(
        f"/api/products/{raw_id}", headers={"If-None-Match": inm, "X-Request-Id": request_id}
    )
    _check(response)


@SETTINGS
@given(query=queries)
def test_listings_never_fail(app, query):
    client = app.test_client()
    for path in ("/api/products", "/api/categories", "/api/openapi.json", "/healthz", "/readyz"):
        _check(client.get(f"{path}?{urlencode(query)}"))


@SETTINGS
@given(
    raw_id=ids | st.integers(1, 1200).map(str),
    body=patch_bodies,
    content_type=st.sampled_from(
        [
            "application/json",
            "application/merge-patch+json",
            "text/plain",
            "",
            "application/json; charset=latin-1",
        ]
    ),
    authorization=st.sampled_from([f"Bearer {ADMIN_TOKEN}", "Bearer x", "", "Basic x"])
    | header_text,
)
def test_patch_never_fails(app, raw_id, body, content_type, authorization):
    response = app.test_client().patch(
        f"/api/products/{raw_id}",
        data=body,
        headers={"Authorization": authorization, "Content-Type": content_type},
    )
    _check(response)


@SETTINGS
@given(method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]), path=ids)
def test_other_methods_and_paths_never_fail(app, method, path):
    _check(app.test_client().open(f"/api/{path}", method=method))
