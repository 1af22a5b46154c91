"""PATCH /api/products/{id}: admin only, validated, one transaction, version bumped."""

from __future__ import annotations

import json
import threading

import pytest

from services.app.validation import MAX_NAME


def _patch(client, product_id, body, headers, **kwargs):
    return client.patch(f"/api/products/{product_id}", json=body, headers=headers, **kwargs)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dGVzdA==", "Bearer wrong", "Bearer tést-ümlaut"],
)
def test_writes_need_the_admin_token(client, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    before = client.get("/api/products/10").get_json()
    response = _patch(client, 10, {"stock": 1}, headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/products/10").get_json() == before


def test_patch_updates_fields_bumps_version_and_changes_etag(client, admin):
    before = client.get("/api/products/20")
    old = before.get_json()
    response = _patch(
        client,
        20,
        {"price": "1234.5", "stock": 0, "name": "Renamed", "description": "New text.\nLine 2"},
        admin,
    )
    assert response.status_code == 200, response.data
    updated = response.get_json()
    assert updated["price"] == {"amount": "1234.50", "currency": "BRL"}
    assert updated["stock"] == 0
    assert updated["name"] == "Renamed"
    assert updated["description"] == "New text.\nLine 2"
    assert updated["version"] == old["version"] + 1
    assert updated["updated_at"] > old["updated_at"]
    assert response.headers["Cache-Control"] == "no-store"
    after = client.get("/api/products/20")
    assert after.get_json() == updated
    assert after.headers["ETag"] != before.headers["ETag"]
    # The old ETag no longer validates: a client's stale copy is replaced.
    assert (
        client.get(
            "/api/products/20", headers={"If-None-Match": before.headers["ETag"]}
        ).status_code
        == 200
    )


def test_merge_patch_media_type_is_accepted(client, admin):
    response = client.patch(
        "/api/products/21",
        data=json.dumps({"stock": 7}),
        headers={**admin, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200
    assert response.get_json()["stock"] == 7


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"colour": "red"}, 422),
        ({"price": "10.00", "sku": "X"}, 422),
        ({"price": "-1.00"}, 422),
        ({"price": "0"}, 422),
        ({"price": "0.00"}, 422),
        ({"price": "1.999"}, 422),
        ({"price": "1e3"}, 422),
        ({"price": " 10.00"}, 422),
        ({"price": "NaN"}, 422),
        ({"price": "10000000000.00"}, 422),
        ({"price": 19.9}, 422),
        ({"price": None}, 422),
        ({"stock": -1}, 422),
        ({"stock": 1.5}, 422),
        ({"stock": "3"}, 422),
        ({"stock": True}, 422),
        ({"stock": 10**12}, 422),
        ({"name": ""}, 422),
        ({"name": "   "}, 422),
        ({"name": "x" * (MAX_NAME + 1)}, 422),
        ({"name": 5}, 422),
        ({"name": "bad\x00name"}, 422),
        ({"name": "two\nlines"}, 422),
        ({"description": ["list"]}, 422),
        ([{"stock": 1}], 400),
        ("stock", 400),
        (None, 400),
    ],
)
def test_invalid_bodies_are_refused_and_change_nothing(client, admin, body, status):
    before = client.get("/api/products/30").get_json()
    response = client.patch(
        "/api/products/30",
        data=json.dumps(body),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert response.status_code == status, response.data
    assert response.get_json()["error"]["message"]
    assert client.get("/api/products/30").get_json() == before


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b'{"stock": 1', b"\xff\xfe\x00", b"[" * 5000 + b"]" * 5000, b'"\\ud800"'],
)
def test_malformed_json_is_400(client, admin, raw):
    response = client.patch(
        "/api/products/31", data=raw, headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_lone_surrogates_cannot_reach_the_database(client, admin):
    response = client.patch(
        "/api/products/31",
        data=b'{"name": "broken \\ud800 text"}',
        headers={**admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_wrong_content_type_is_415(client, admin):
    response = client.patch(
        "/api/products/32", data="stock=1", headers={**admin, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415


def test_oversize_body_is_413(client, admin):
    body = json.dumps({"description": "x" * 20_000})
    response = client.patch(
        "/api/products/33", data=body, headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"]


def test_unknown_and_malformed_ids(client, admin):
    assert _patch(client, 999_999, {"stock": 1}, admin).status_code == 404
    assert _patch(client, "abc", {"stock": 1}, admin).status_code == 400


def test_concurrent_patches_are_serialized_without_lost_updates(app, admin):
    """Each PATCH is one transaction: N concurrent updates bump the version exactly N times."""
    start = app.test_client().get("/api/products/40").get_json()["version"]
    statuses = []

    def update(n: int) -> None:
        client = app.test_client()
        statuses.append(_patch(client, 40, {"stock": n}, admin).status_code)

    threads = [threading.Thread(target=update, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [200] * 12
    final = app.test_client().get("/api/products/40").get_json()
    assert final["version"] == start + 12
    assert final["stock"] in range(12)
