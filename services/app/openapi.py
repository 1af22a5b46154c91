"""The OpenAPI 3.1 description of the app tier, served at /api/openapi.json."""

from __future__ import annotations

from flask import Blueprint, Response

from services.app.http import cacheable
from services.app.validation import MAX_DESCRIPTION, MAX_NAME, MAX_PAGE, MAX_STOCK

bp = Blueprint("openapi", __name__)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/{name}"}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("schemas/Error")}},
    }


def _ok(description: str, schema: dict) -> dict:
    return {
        "description": description,
        "headers": {"Cache-Control": _ref("headers/CacheControl"), "ETag": _ref("headers/ETag")},
        "content": {"application/json": {"schema": schema}},
    }


_READ_ERRORS = {
    "304": {"description": "Not modified: the If-None-Match ETag is current."},
    "400": _error("Malformed id or query parameter."),
    "503": _ref("responses/Unavailable"),
}
_PRODUCT_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 4294967295},
}
_IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}

DOCUMENT: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "vitrine app tier",
        "version": "1.0.0",
        "summary": "Product catalog API of the vitrine storefront, backed by MySQL.",
        "description": (
            "Reached through the cache tier, which caches reads per their Cache-Control and "
            'ETag. Errors are JSON: {"error": {"code", "message"}}.'
        ),
        "license": {"name": "MIT", "identifier": "MIT"},
    },
    "servers": [{"url": "/"}],
    "tags": [
        {"name": "catalog", "description": "Products and categories."},
        {"name": "admin", "description": "Writes; need the admin bearer token."},
        {"name": "health", "description": "Load balancer checks."},
    ],
    "paths": {
        "/api/products": {
            "get": {
                "tags": ["catalog"],
                "operationId": "listProducts",
                "summary": "A page of products in id order, optionally of one category.",
                "parameters": [
                    {
                        "name": "category",
                        "in": "query",
                        "description": "Category slug; empty or absent for all.",
                        "schema": {"type": "string", "pattern": "^[a-z0-9-]{0,32}$"},
                    },
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_PAGE,
                            "default": 1,
                        },
                    },
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 24},
                    },
                    _IF_NONE_MATCH,
                ],
                "responses": {
                    "200": _ok("The page.", _ref("schemas/ProductPage")),
                    **_READ_ERRORS,
                    "404": _error("No such category."),
                },
            }
        },
        "/api/products/{id}": {
            "parameters": [_PRODUCT_ID],
            "get": {
                "tags": ["catalog"],
                "operationId": "getProduct",
                "summary": "One product.",
                "parameters": [_IF_NONE_MATCH],
                "responses": {
                    "200": _ok("The product.", _ref("schemas/Product")),
                    **_READ_ERRORS,
                    "404": _error("No such product (cached briefly)."),
                },
            },
            "patch": {
                "tags": ["admin"],
                "operationId": "updateProduct",
                "summary": "Change price, stock, name or description; bumps version.",
                "security": [{"adminToken": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _ref("schemas/ProductPatch")},
                        "application/merge-patch+json": {"schema": _ref("schemas/ProductPatch")},
                    },
                },
                "responses": {
                    "200": {
                        "description": "The updated product.",
                        "content": {"application/json": {"schema": _ref("schemas/Product")}},
                    },
                    "400": _error("Malformed id or JSON."),
                    "401": _error("Missing or wrong bearer token."),
                    "404": _error("No such product."),
                    "413": _error("Body too large."),
                    "415": _error("Body is not JSON."),
                    "422": _error("Unknown field or invalid value."),
                    "503": _ref("responses/Unavailable"),
                },
            },
        },
        "/api/categories": {
            "get": {
                "tags": ["catalog"],
                "operationId": "listCategories",
                "summary": "Every category with its product count.",
                "parameters": [_IF_NONE_MATCH],
                "responses": {
                    "200": _ok(
                        "The categories in display order.",
                        {"type": "array", "items": _ref("schemas/Category")},
                    ),
                    "304": _READ_ERRORS["304"],
                    "503": _ref("responses/Unavailable"),
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "tags": ["health"],
                "operationId": "getOpenApi",
                "summary": "This document.",
                "responses": {"200": _ok("OpenAPI 3.1 document.", {"type": "object"})},
            }
        },
        "/healthz": {
            "get": {
                "tags": ["health"],
                "operationId": "healthz",
                "summary": "Liveness: the process answers. Does not touch the database.",
                "responses": {"200": _ok("Alive.", _ref("schemas/Status"))},
            }
        },
        "/readyz": {
            "get": {
                "tags": ["health"],
                "operationId": "readyz",
                "summary": "Readiness: the database answers.",
                "responses": {
                    "200": _ok("Ready.", _ref("schemas/Status")),
                    "503": _ref("responses/Unavailable"),
                },
            }
        },
    },
    "components": {
        "securitySchemes": {
            "adminToken": {"type": "http", "scheme": "bearer", "description": "Admin token."}
        },
        "headers": {
            "CacheControl": {
                "description": "public, max-age, stale-while-revalidate, stale-if-error.",
                "schema": {"type": "string"},
            },
            "ETag": {"description": "Strong validator of the body.", "schema": {"type": "string"}},
            "RetryAfter": {"description": "Seconds to wait.", "schema": {"type": "integer"}},
        },
        "responses": {
            "Unavailable": {
                "description": "The database is unreachable; retry later.",
                "headers": {"Retry-After": _ref("headers/RetryAfter")},
                "content": {"application/json": {"schema": _ref("schemas/Error")}},
            }
        },
        "schemas": {
            "Price": {
                "type": "object",
                "required": ["amount", "currency"],
                "properties": {
                    "amount": {
                        "type": "string",
                        "pattern": "^[0-9]+\\.[0-9]{2}$",
                        "examples": ["199.90"],
                    },
                    "currency": {"type": "string", "const": "BRL"},
                },
            },
            "Product": {
                "type": "object",
                "required": [
                    "id",
                    "sku",
                    "name",
                    "description",
                    "price",
                    "images",
                    "stock",
                    "category",
                    "version",
                    "updated_at",
                ],
                "properties": {
                    "id": {"type": "integer", "minimum": 1},
                    "sku": {"type": "string"},
                    "name": {"type": "string", "maxLength": MAX_NAME},
                    "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
                    "price": _ref("schemas/Price"),
                    "images": {
                        "type": "array",
                        "items": {"type": "string", "examples": ["/img/products/shoes-1.svg"]},
                    },
                    "stock": {"type": "integer", "minimum": 0},
                    "category": {"type": "string", "description": "Category slug."},
                    "version": {"type": "integer", "minimum": 1},
                    "updated_at": {"type": "string", "format": "date-time"},
                },
            },
            "ProductPage": {
                "type": "object",
                "required": ["items", "page", "per_page", "total"],
                "properties": {
                    "items": {"type": "array", "items": _ref("schemas/Product")},
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "minimum": 1},
                    "total": {"type": "integer", "minimum": 0},
                },
            },
            "Category": {
                "type": "object",
                "required": ["slug", "name", "product_count"],
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "product_count": {"type": "integer", "minimum": 0},
                },
            },
            "ProductPatch": {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "properties": {
                    "price": {
                        "type": "string",
                        "pattern": "^(0|[1-9][0-9]{0,9})(\\.[0-9]{1,2})?$",
                        "description": "Greater than 0.",
                    },
                    "stock": {"type": "integer", "minimum": 0, "maximum": MAX_STOCK},
                    "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME},
                    "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
                },
            },
            "Status": {
                "type": "object",
                "required": ["status"],
                "properties": {"status": {"type": "string"}, "database": {"type": "string"}},
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    }
                },
            },
        },
    },
}


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """This service's OpenAPI 3.1 document."""
    return cacheable(DOCUMENT)
