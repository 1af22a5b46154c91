"""`make smoke`: check that a running vitrine answers like a customer needs it to.

    make smoke URL=http://127.0.0.1:8000          # the local stack
    make smoke STACK=vitrine-dev-edge REGION=...   # reads the stack's SiteUrl output

Each check prints one PASS or FAIL line; the exit code is 0 only when all pass (2 when the
URL cannot even be determined). The checks: the catalog page and every CSS, JS and image it
references load with the right content type and cache class; a product page and the
not-found page answer through the edge routing; `/api/healthz` reports every tier up; and a
product read through `/api/products/{id}` is a cache MISS first and a HIT right after.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

TIMEOUT = 10.0
MAX_CANDIDATES = 40


class SmokeError(RuntimeError):
    """The smoke check could not run at all (no URL to check)."""


@dataclass
class Result:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


class _Refs(HTMLParser):
    """Collects the stylesheets, scripts, preloads, icons and images an HTML page references."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rels = (a.get("rel") or "").lower().split()
        if tag == "link" and a.get("href"):
            if "stylesheet" in rels:
                self.refs.append(("css", a["href"]))
            elif "modulepreload" in rels:
                self.refs.append(("js", a["href"]))
            elif "icon" in rels:
                self.refs.append(("img", a["href"]))
        elif tag == "script" and a.get("src"):
            self.refs.append(("js", a["src"]))
        elif tag == "img" and a.get("src"):
            self.refs.append(("img", a["src"]))


def page_refs(html: str) -> list[tuple[str, str]]:
    """[(kind, url)] for the assets an HTML page loads; kind is css, js or img."""
    parser = _Refs()
    parser.feed(html)
    return parser.refs


def module_imports(js: str) -> list[str]:
    """Relative module specifiers a JS module imports (`import ... from "./api.1a2b3c4d.js"`)."""
    return re.findall(r"""\b(?:from|import)\s*["'](\.{1,2}/[^"']+)["']""", js)


EXPECTED_TYPES = {"css": "text/css", "js": "javascript", "img": "image/"}


def site_url_from_stack(stack: str, region: str, client=None) -> str:
    """The `SiteUrl` output of a deployed CloudFormation stack."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        cfn = client or boto3.client("cloudformation", region_name=region)
        stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as exc:
        raise SmokeError(f"cannot read stack {stack!r} in {region}: {exc}") from None
    except BotoCoreError as exc:
        raise SmokeError(f"cannot reach CloudFormation in {region}: {exc}") from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    if "SiteUrl" not in outputs:
        keys = ", ".join(sorted(outputs)) or "none"
        raise SmokeError(
            f"stack {stack!r} in {region} has no SiteUrl output (outputs: {keys}); "
            "the edge stack is vitrine-<env>-edge"
        )
    return outputs["SiteUrl"]


class Smoke:
    """The checks against one base URL; run() prints each result and returns them all."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.http = session or requests.Session()
        self.http.headers.setdefault("User-Agent", "vitrine-smoke/1")
        self.results: list[Result] = []

    def get(self, path: str, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else self.base + path
        return self.http.get(url, timeout=TIMEOUT, allow_redirects=False, **kwargs)

    def run(self, out: Callable[[str], None] = print) -> list[Result]:
        for name, check in (
            ("catalog page and its assets", self.check_page),
            ("product page route", self.check_product_route),
            ("not-found page", self.check_not_found),
            ("api health", self.check_health),
            ("api cache MISS then HIT", self.check_cache),
        ):
            try:
                ok, detail = check()
            except requests.RequestException as exc:
                ok, detail = False, f"request failed: {exc}"
            result = Result(name, ok, detail)
            self.results.append(result)
            out(result.line())
        return self.results

    # -- the checks ---------------------------------------------------------------------------
    def check_page(self) -> tuple[bool, str]:
        page = self.get("/")
        if page.status_code != 200 or "text/html" not in page.headers.get("Content-Type", ""):
            return False, f"GET / answered {page.status_code} {page.headers.get('Content-Type')}"
        problems = []
        if "max-age=60" not in page.headers.get("Cache-Control", ""):
            problems.append(f"/ Cache-Control is {page.headers.get('Cache-Control')!r}")
        queue = [(k, urljoin(self.base + "/", u)) for k, u in page_refs(page.text)]
        seen: dict[str, str] = {}
        while queue:
            kind, url = queue.pop(0)
            if url in seen or urlsplit(url).netloc != urlsplit(self.base).netloc:
                continue
            seen[url] = kind
            response = self.get(url)
            path = urlsplit(url).path
            ctype = response.headers.get("Content-Type", "")
            if response.status_code != 200 or not response.content:
                problems.append(f"{path} answered {response.status_code}")
                continue
            if EXPECTED_TYPES[kind] not in ctype:
                problems.append(f"{path} has Content-Type {ctype!r}")
            cache = response.headers.get("Cache-Control", "")
            if path.startswith("/static/") and "immutable" not in cache:
                problems.append(f"{path} is fingerprinted but Cache-Control is {cache!r}")
            if kind == "js":
                queue += [("js", urljoin(url, spec)) for spec in module_imports(response.text)]
        kinds = {k: sum(1 for v in seen.values() if v == k) for k in ("css", "js", "img")}
        if not kinds["css"] or not kinds["js"]:
            problems.append(f"the page references no stylesheet or script ({kinds})")
        summary = ", ".join(f"{n} {k}" for k, n in kinds.items())
        if problems:
            return False, "; ".join(problems)
        return True, f"200, {len(seen)} assets loaded ({summary})"

    def check_product_route(self) -> tuple[bool, str]:
        listing = self.get("/api/products?per_page=1")
        items = listing.json().get("items", []) if listing.status_code == 200 else []
        product_id = items[0]["id"] if items else 1
        page = self.get(f"/products/{product_id}")
        if page.status_code != 200 or "text/html" not in page.headers.get("Content-Type", ""):
            return False, f"GET /products/{product_id} answered {page.status_code}"
        if not any(k == "js" and "product" in u for k, u in page_refs(page.text)):
            return False, f"/products/{product_id} is not the product page (no product script)"
        images = items[0].get("images", []) if items else []
        if images:
            image = self.get(images[0])
            if image.status_code != 200 or "image/" not in image.headers.get("Content-Type", ""):
                return False, f"product image {images[0]} answered {image.status_code}"
        return True, f"/products/{product_id} serves the product page" + (
            f", image {images[0]} loads" if images else ""
        )

    def check_not_found(self) -> tuple[bool, str]:
        path = f"/no-such-page-{uuid.uuid4().hex[:8]}"
        response = self.get(path)
        if response.status_code != 404:
            return False, f"GET {path} answered {response.status_code}, expected 404"
        if "text/html" not in response.headers.get("Content-Type", ""):
            return False, f"GET {path} is 404 but not the HTML not-found page"
        return True, f"{path} answers 404 with the not-found page"

    def check_health(self) -> tuple[bool, str]:
        response = self.get("/api/healthz")
        try:
            body = response.json()
        except ValueError:
            return False, f"/api/healthz answered {response.status_code} without JSON"
        want = {"cache": "ok", "redis": "up", "upstream": "up"}
        wrong = {k: body.get(k) for k, v in want.items() if body.get(k) != v}
        if response.status_code != 200 or wrong:
            return False, f"/api/healthz answered {response.status_code} {body}"
        return True, "200 " + ", ".join(f"{k} {v}" for k, v in want.items())

    def check_cache(self) -> tuple[bool, str]:
        first = self.get("/api/products?per_page=1")
        if first.status_code != 200:
            return False, f"/api/products answered {first.status_code}"
        total = int(first.json().get("total", 0))
        if not total:
            return False, "the catalog is empty"
        # Start on a random page so a product nobody has read lately is likely among the first.
        per_page = 50
        page = random.randint(1, max(1, -(-total // per_page)))  # noqa: S311 - not crypto
        listing = self.get(f"/api/products?per_page={per_page}&page={page}")
        ids = [item["id"] for item in listing.json().get("items", [])]
        random.shuffle(ids)
        already = []
        for product_id in ids[:MAX_CANDIDATES]:
            path = f"/api/products/{product_id}"
            one = self.get(path)
            state = cache_state(one.headers)
            if one.status_code != 200:
                return False, f"GET {path} answered {one.status_code}"
            if state != "MISS":
                already.append(f"{product_id}:{state or 'none'}")
                continue
            two = self.get(path)
            again = cache_state(two.headers)
            if two.status_code == 200 and again == "HIT" and two.json() == one.json():
                return True, f"{path}: MISS, then HIT (Age {two.headers.get('Age', '?')})"
            return False, f"{path}: MISS, then {two.status_code} X-Cache {again!r}"
        return False, (
            f"no uncached product among {len(already)} tried on page {page} "
            f"(id:X-Cache {', '.join(already[:8])}…); cannot observe a MISS"
        )


def cache_state(headers) -> str:
    """HIT, MISS, STALE, BYPASS: the cache tier's X-Cache, or CloudFront's own.

    Behind CloudFront the viewer sees CloudFront's X-Cache ("Miss from cloudfront"); its
    /api/* behavior honours the cache tier's Cache-Control, so a second read is its Hit.
    """
    value = headers.get("X-Cache", "").strip()
    if value.lower().endswith(" from cloudfront"):
        value = value.split()[0]
    return value.upper()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make smoke", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="base URL, e.g. http://127.0.0.1:8000")
    where.add_argument("--stack", help="read the URL from this stack's SiteUrl output")
    parser.add_argument("--region", help="region of --stack (default: the AWS profile's)")
    args = parser.parse_args(argv)
    try:
        url = args.url or site_url_from_stack(args.stack, args.region)
    except SmokeError as exc:
        print(f"smoke: {exc}", file=sys.stderr)
        return 2
    print(f"smoke: checking {url}")
    results = Smoke(url).run()
    failed = sum(not r.ok for r in results)
    print(f"smoke: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
