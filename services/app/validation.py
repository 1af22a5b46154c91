"""Checks on everything a client sends: ids, paging, categories, PATCH bodies.

Every failure is an ApiError (4xx), raised before any SQL runs, so bad input can never
reach the database or become a 5xx.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal

from services.app.errors import ApiError, bad_request, unprocessable

MAX_ID = 4_294_967_295  # INT UNSIGNED
MAX_PAGE = 10_000  # deeper OFFSETs only cost the database; nobody pages that far
MAX_STOCK = 2_000_000_000
MAX_PRICE = Decimal("9999999999.99")  # DECIMAL(12, 2)
MAX_NAME = 200
MAX_DESCRIPTION = 5000
PATCH_FIELDS = frozenset({"price", "stock", "name", "description"})
JSON_TYPES = {"application/json", "application/merge-patch+json"}

_ID = re.compile(r"[1-9][0-9]{0,9}")
_SMALL_INT = re.compile(r"[0-9]{1,6}")
_SLUG = re.compile(r"[a-z0-9-]{1,32}")
_PRICE = re.compile(r"(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?")


def product_id(raw: str) -> int:
    """A product id from the URL: a positive integer without sign, leading zeros or spaces."""
    if not _ID.fullmatch(raw) or int(raw) > MAX_ID:
        raise bad_request("invalid_id", "The product id must be an integer from 1 to 4294967295.")
    return int(raw)


def bounded_int(args, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; absent or empty means default."""
    raw = args.get(name, "")
    if raw == "":
        return default
    if not _SMALL_INT.fullmatch(raw) or not low <= int(raw) <= high:
        raise bad_request(f"invalid_{name}", f"{name} must be an integer from {low} to {high}.")
    return int(raw)


def category_slug(args) -> str | None:
    """The optional category filter; absent or empty means every category."""
    raw = args.get("category", "")
    if raw == "":
        return None
    if not _SLUG.fullmatch(raw):
        raise bad_request("invalid_category", "category must be a category slug.")
    return raw


def patch_body(data: bytes, content_type: str | None) -> dict:
    """Parse and check a PATCH body; return only the fields to change, as stored values."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in JSON_TYPES:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        raise bad_request("invalid_json", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise bad_request("invalid_json", "The body must be a JSON object.")
    unknown = sorted(set(body) - PATCH_FIELDS)
    if unknown:
        raise unprocessable(f"Unknown field(s): {', '.join(unknown)}.")
    if not body:
        raise unprocessable(f"Send at least one of: {', '.join(sorted(PATCH_FIELDS))}.")
    changes: dict = {}
    if "price" in body:
        changes["price_amount"] = _price(body["price"])
    if "stock" in body:
        changes["stock"] = _stock(body["stock"])
    if "name" in body:
        changes["name"] = _text(body["name"], "name", MAX_NAME, multiline=False)
        if not changes["name"].strip():
            raise unprocessable("name must not be blank.")
    if "description" in body:
        changes["description"] = _text(
            body["description"], "description", MAX_DESCRIPTION, multiline=True
        )
    return changes


def _price(value: object) -> Decimal:
    # A string, not a JSON number: binary floats cannot hold 199.90 exactly.
    if not isinstance(value, str) or not _PRICE.fullmatch(value):
        raise unprocessable('price must be a decimal string with up to 2 decimals, e.g. "199.90".')
    amount = Decimal(value)
    if not Decimal("0") < amount <= MAX_PRICE:
        raise unprocessable("price must be greater than 0 and at most 9999999999.99.")
    return amount


def _stock(value: object) -> int:
    if type(value) is not int or not 0 <= value <= MAX_STOCK:  # bool is not a stock count
        raise unprocessable(f"stock must be an integer from 0 to {MAX_STOCK}.")
    return value


def _text(value: object, field: str, limit: int, *, multiline: bool) -> str:
    if not isinstance(value, str):
        raise unprocessable(f"{field} must be a string.")
    if len(value) > limit:
        raise unprocessable(f"{field} must be at most {limit} characters.")
    allowed = {"\n", "\t"} if multiline else set()
    for char in value:
        # Surrogates cannot be stored as UTF-8; control characters break pages and logs.
        if unicodedata.category(char) in ("Cs", "Cc") and char not in allowed:
            raise unprocessable(f"{field} contains a character that is not allowed.")
    return value
