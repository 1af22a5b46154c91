"""HTTP caching of reads: Cache-Control from config, a strong ETag, 304 on If-None-Match."""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, request


def to_json(payload: object) -> bytes:
    """Serialize deterministically, so equal data always gets the same ETag."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def json_response(payload: object, status: int = 200, cache_control: str = "no-store") -> Response:
    """A JSON response with a strong ETag and the given Cache-Control."""
    body = to_json(payload)
    response = current_app.response_class(body, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = cache_control
    # The ETag is the body's hash: strong, and identical on every instance of the tier.
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response


def cacheable(payload: object) -> Response:
    """A successful read: public caching per config, and 304 when If-None-Match matches."""
    config = current_app.extensions["vitrine"].config
    response = json_response(payload, cache_control=config.cache_control())
    return response.make_conditional(request)
