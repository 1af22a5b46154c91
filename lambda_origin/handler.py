"""CloudFront origin-request handler for the S3 origin: pretty storefront URLs to HTML objects.

The bucket holds plain files; customers see `/products/42` and `/category/shoes`. This
function rewrites the request's `uri` before CloudFront asks S3 for it, and leaves every other
part of the request (querystring, headers) exactly as it came. Stdlib only, Python 3.11–3.13.
"""

from __future__ import annotations

import re

# /products/{id} with a numeric id, optional trailing slash.
_PRODUCT = re.compile(r"^/products/[0-9]{1,18}/?$")
# /category/{slug}: lowercase words joined by single hyphens, optional trailing slash.
_CATEGORY = re.compile(r"^/category/[a-z0-9]+(?:-[a-z0-9]+)*/?$")

PRODUCT_PAGE = "/product.html"
CATALOG_PAGE = "/index.html"


def route(uri: str) -> str:
    """Return the S3 object path that serves the pretty URL `uri` (unchanged if none applies)."""
    if not uri or uri == "/":
        return CATALOG_PAGE
    if _PRODUCT.match(uri):
        return PRODUCT_PAGE
    if _CATEGORY.match(uri):
        return CATALOG_PAGE
    if uri.endswith("/"):
        return uri + "index.html"
    return uri


def handler(event: dict, context: object = None) -> dict:
    """Lambda@Edge origin-request entry point: rewrite the request's uri and return the request."""
    request = event["Records"][0]["cf"]["request"]
    request["uri"] = route(request.get("uri", "/"))
    return request
