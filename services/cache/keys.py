"""Cache keys and invalidation tags: what a request is stored under, and what a write clears.

A key is the path plus the query sorted by name (repeated names keep their order), with
marketing parameters (utm_*, gclid, fbclid) dropped, so `?b=2&a=1&utm_source=x` and
`?a=1&b=2` share one entry.

Tags tie entries to what they show, so a write can clear exactly the entries it changes:
every entry carries `path:<path>`; a product's own pages carry `p:<id>`; a listing carries
`p:<id>` for every product in its `items` (or the upstream's `Surrogate-Key` header, when it
sends one); product listings and categories carry `list`, cleared when products appear or go.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, urlencode

_TRACKING = ("utm_",)
_TRACKING_EXACT = frozenset({"gclid", "fbclid"})
_PRODUCT = re.compile(r"^/api/products/(\d{1,18})(?:/.*)?$")
_LISTINGS = frozenset({"/api/products", "/api/categories"})
# Characters kept literally when a decoded path is sent upstream again.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
# Longer keys are hashed: Redis copes, but logs and memory do not need 4 KB names.
_MAX_KEY = 200
# A listing with more products than this is tagged `list` only (cleared by any write).
_MAX_ITEM_TAGS = 500


def is_tracking(name: str) -> bool:
    """True for query parameters that never change the answer (campaign tracking)."""
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING)


def upstream_target(path: str, args: Iterable[tuple[str, str]], normalize: bool = True) -> str:
    """Path plus query, percent-encoded; normalized (sorted, no tracking parameters) it is
    both the cache key and the URL a cacheable read is fetched from."""
    kept = [(k, v) for k, v in args if not (normalize and is_tracking(k))]
    if normalize:
        # By name only (a stable sort): repeated parameters keep their order, which matters
        # to an app that reads the first value.
        kept.sort(key=lambda pair: pair[0])
    query = urlencode(kept, quote_via=quote, safe="")
    target = quote(path, safe=_PATH_SAFE)
    return f"{target}?{query}" if query else target


def redis_key(target: str) -> str:
    """The Redis-safe spelling of a target: itself when short, else its SHA-256."""
    if len(target) <= _MAX_KEY:
        return target
    return "sha256:" + hashlib.sha256(target.encode()).hexdigest()


def entry_tags(path: str, headers: dict[str, str], body: bytes, content_type: str) -> set[str]:
    """Tags of a response about to be stored (see the module docstring)."""
    tags = {f"path:{redis_key(path)}"}
    match = _PRODUCT.match(path)
    if match:
        tags.add(f"p:{int(match.group(1))}")
    if path in _LISTINGS:
        tags.add("list")
    surrogate = headers.get("Surrogate-Key")
    if surrogate:
        tags.update(f"p:{k[2:]}" if k.startswith("p:") else k for k in surrogate.split())
    elif path == "/api/products" and content_type.startswith("application/json"):
        ids = _listing_ids(body)
        if len(ids) <= _MAX_ITEM_TAGS:
            tags.update(f"p:{i}" for i in ids)
    return tags


def _listing_ids(body: bytes) -> set[int]:
    try:
        doc = json.loads(body)
    except ValueError:
        return set()
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return set()
    return {
        item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), int)
    }


def write_tags(method: str, path: str) -> set[str]:
    """Tags a successful write to `path` invalidates."""
    tags = {f"path:{redis_key(path)}"}
    match = _PRODUCT.match(path)
    if match:
        tags.add(f"p:{int(match.group(1))}")
        # A PATCH changes fields only; PUT may move the product, DELETE removes it.
        if method != "PATCH":
            tags.add("list")
    else:
        # A POST to a collection adds members: every listing may change.
        tags.add("list")
    return tags
