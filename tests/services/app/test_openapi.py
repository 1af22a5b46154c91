"""The OpenAPI 3.1 document describes every route the app serves."""

from __future__ import annotations

import re


def _resolve(document: dict, ref: str) -> object:
    node: object = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]  # type: ignore[index]
    return node


def _refs(node: object):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_is_openapi_31_with_info(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["ETag"]
    document = response.get_json()
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] and document["info"]["version"]


def test_every_route_and_method_is_documented(app, client):
    document = client.get("/api/openapi.json").get_json()
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?raw_id>", "{id}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert routes == documented


def test_every_operation_is_complete_and_every_ref_resolves(client):
    document = client.get("/api/openapi.json").get_json()
    operation_ids = []
    for item in document["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            operation_ids.append(operation["operationId"])
            assert operation["responses"], operation["operationId"]
            assert any(code.startswith("2") for code in operation["responses"])
    assert len(operation_ids) == len(set(operation_ids))
    for ref in _refs(document):
        assert _resolve(document, ref) is not None, ref


def test_product_schema_matches_a_real_product(client):
    document = client.get("/api/openapi.json").get_json()
    schema = document["components"]["schemas"]["Product"]
    product = client.get("/api/products/1").get_json()
    assert set(schema["required"]) == set(product)
    assert set(schema["properties"]) == set(product)
