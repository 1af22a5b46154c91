"""The local stand-in for CloudFront: assets through lambda_origin, `/api/*` to the cache tier.

CloudFront has two behaviors: the default one reads the S3 bucket after the origin-request
function has rewritten the URI, and `/api/*` forwards to the cache tier's load balancer. This
module does both for `make local` and the end-to-end tests. It calls the real Lambda handler
with a CloudFront-shaped event, answers missing objects with 404.html (the distribution's
custom error response), sets the Cache-Control classes the bucket deployment sets, and adds
the security headers of CloudFront's response-headers policy (stacks/headers.py).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import mimetypes
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from werkzeug.serving import BaseWSGIServer, make_server

from lambda_origin.handler import handler as origin_request
from stacks.headers import SECURITY_HEADERS

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "assets"

# Hop-by-hop headers (RFC 9110 7.6.1) are never forwarded by a proxy.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}


def cache_control(key: str) -> str:
    """The Cache-Control the bucket deployment gives an object key (docs/contracts.md)."""
    if key.endswith(".html"):
        return "public, max-age=60, must-revalidate"
    if key.startswith("static/"):
        return "public, max-age=31536000, immutable"
    return "public, max-age=86400"


def cloudfront_event(uri: str, querystring: str, method: str, headers: dict[str, str]) -> dict:
    """An origin-request event shaped like the ones CloudFront sends to Lambda@Edge."""
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": "localhost",
                        "distributionId": "LOCAL",
                        "eventType": "origin-request",
                        "requestId": "local",
                    },
                    "request": {
                        "clientIp": "127.0.0.1",
                        "headers": {
                            k.lower(): [{"key": k, "value": v}] for k, v in headers.items()
                        },
                        "method": method,
                        "origin": {"s3": {"domainName": "assets.local", "path": "", "region": ""}},
                        "querystring": querystring,
                        "uri": uri,
                    },
                }
            }
        ]
    }


def _json_error(status: int, code: str, message: str) -> tuple[str, list, bytes]:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    reason = http.client.responses.get(status, "Error")
    return f"{status} {reason}", [("Content-Type", "application/json")], body


@dataclass
class Edge:
    """WSGI app: the default behavior (assets) and the `/api/*` behavior (proxy to upstream)."""

    upstream: str
    assets: Path = ASSETS
    timeout: float = 30.0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path.startswith("/api/"):
            status, headers, body = self._proxy(environ)
        else:
            status, headers, body = self._static(environ)
        # CloudFront's response-headers policy (override=True) on both behaviors.
        headers = [(k, v) for k, v in headers if k not in SECURITY_HEADERS]
        headers += [*SECURITY_HEADERS.items(), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

    # -- default behavior: S3 through the origin-request function ---------------------------
    def _static(self, environ) -> tuple[str, list, bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD"):
            return _json_error(405, "method_not_allowed", "Static assets answer GET and HEAD.")
        uri = quote(environ.get("PATH_INFO", "/"), safe="/-._~")
        request = origin_request(
            cloudfront_event(
                uri, environ.get("QUERY_STRING", ""), method, _request_headers(environ)
            )
        )
        key = request["uri"].lstrip("/")
        path = (self.assets / key).resolve()
        status = "200 OK"
        if not (path.is_file() and path.is_relative_to(self.assets.resolve())):
            # CloudFront's custom error response: the not-found page, with status 404.
            key, path, status = "404.html", self.assets / "404.html", "404 Not Found"
        body = path.read_bytes()
        etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
        headers = [
            (
                "Content-Type",
                TYPES.get(path.suffix)
                or mimetypes.guess_type(path.name)[0]
                or "application/octet-stream",
            ),
            ("Cache-Control", cache_control(key)),
            ("ETag", etag),
        ]
        if status.startswith("200") and environ.get("HTTP_IF_NONE_MATCH") == etag:
            return "304 Not Modified", headers, b""
        return status, headers, body

    # -- /api/* behavior: the cache tier -----------------------------------------------------
    def _proxy(self, environ) -> tuple[str, list, bytes]:
        target = urlsplit(self.upstream)
        raw_path = (
            environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(environ["PATH_INFO"])
        )
        path = raw_path.split("?", 1)[0]
        query = environ.get("QUERY_STRING", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        headers = {
            k: v for k, v in _request_headers(environ).items() if k.lower() not in HOP_BY_HOP
        }
        headers.pop("Host", None)
        client = environ.get("REMOTE_ADDR", "127.0.0.1")
        prior = headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{prior}, {client}" if prior else client
        headers["X-Forwarded-Proto"] = environ.get("wsgi.url_scheme", "http")
        headers["X-Forwarded-Host"] = environ.get("HTTP_HOST", "")
        conn = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=self.timeout)
        try:
            conn.request(
                environ["REQUEST_METHOD"],
                path + (f"?{query}" if query else ""),
                body=body,
                headers=headers,
            )
            response = conn.getresponse()
            data = response.read()
        except TimeoutError:
            return _json_error(504, "gateway_timeout", "The cache tier did not answer in time.")
        except OSError as exc:
            return _json_error(502, "bad_gateway", f"The cache tier is unreachable ({exc}).")
        finally:
            conn.close()
        out = [
            (k, v)
            for k, v in response.getheaders()
            # The edge's own server writes Date, Server and Content-Length.
            if k.lower() not in HOP_BY_HOP | {"content-length", "date", "server"}
        ]
        return f"{response.status} {response.reason}", out, data


def _request_headers(environ) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    if environ.get("CONTENT_LENGTH"):
        headers["Content-Length"] = environ["CONTENT_LENGTH"]
    return headers


@dataclass
class EdgeServer:
    """The edge on host:port in a background thread; `with EdgeServer(...) as edge:` runs it."""

    upstream: str
    host: str = "127.0.0.1"
    port: int = 8000
    assets: Path = ASSETS
    quiet: bool = False
    _server: BaseWSGIServer | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> EdgeServer:
        logging.getLogger("werkzeug").setLevel(logging.WARNING if self.quiet else logging.INFO)
        self._server = make_server(
            self.host, self.port, Edge(self.upstream, self.assets), threaded=True
        )
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="edge",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> EdgeServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
