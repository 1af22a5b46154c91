"""Fingerprinted assets: names match contents, and nothing points at a file that isn't there."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lambda_origin.handler import route
from tools.fingerprint import content_hash, fingerprint, logical_name
from tools.make_images import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets"
STATIC_FILES = sorted((ASSETS / "static").iterdir())
PAGES = sorted(ASSETS.glob("*.html"))
SCRIPTS = sorted((ASSETS / "static").glob("*.js"))


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def html_refs(page: Path) -> list[str]:
    parser = _Refs()
    parser.feed(page.read_text())
    return parser.refs


def js_refs(script: Path) -> list[str]:
    text = script.read_text()
    imports = re.findall(r"""\bfrom\s+["'](\.[^"']+)["']""", text)
    literals = re.findall(r"""["'](/(?:static|img)/[^"'`$]+)["']""", text)
    return [f"/static/{i.removeprefix('./')}" for i in imports] + literals


def resolve(ref: str) -> Path:
    """The file in assets/ that the edge would serve for a same-origin reference."""
    path = ref.split("?", 1)[0].split("#", 1)[0]
    return ASSETS / route(path).lstrip("/")


def test_static_folder_holds_only_fingerprinted_css_and_js():
    assert STATIC_FILES, "assets/static is empty"
    for path in STATIC_FILES:
        assert logical_name(path.name), f"{path.name} is not named stem.<hash>.css|js"


@pytest.mark.parametrize("path", STATIC_FILES, ids=lambda p: p.name)
def test_file_name_carries_its_content_hash(path):
    # A stale hash means browsers keep the old file for a year (immutable caching).
    claimed = path.name.split(".")[-2]
    assert claimed == content_hash(path.read_bytes()), (
        f"{path.name} changed without a new name: run `python -m tools.fingerprint`"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_references_resolve(page):
    refs = [r for r in html_refs(page) if r.startswith("/")]
    assert any(r.startswith("/static/") and r.endswith(".css") for r in refs), "page has no CSS"
    missing = [r for r in refs if not resolve(r).is_file()]
    assert not missing, f"{page.name} points at missing files: {missing}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_references_resolve(script):
    missing = [r for r in js_refs(script) if not resolve(r).is_file()]
    assert not missing, f"{script.name} points at missing files: {missing}"


def test_every_static_file_is_used():
    used = {resolve(r) for p in PAGES for r in html_refs(p)} | {
        resolve(r) for s in SCRIPTS for r in js_refs(s)
    }
    unused = [p.name for p in STATIC_FILES if p not in used]
    assert not unused, f"left-over static files (old names?): {unused}"


def test_fingerprint_renames_an_edited_module_and_its_dependants(tmp_path):
    copy = tmp_path / "assets"
    shutil.copytree(ASSETS, copy, ignore=shutil.ignore_patterns("img"))
    before = fingerprint(copy)
    api = copy / "static" / before["api.js"]
    api.write_text(api.read_text() + "\n// edited\n")

    after = fingerprint(copy)

    assert after["api.js"] != before["api.js"]
    # catalog.js imports api.js, so its text and therefore its name change too.
    assert after["catalog.js"] != before["catalog.js"]
    assert after["site.css"] == before["site.css"]
    assert f'from "./{after["api.js"]}"' in (copy / "static" / after["catalog.js"]).read_text()
    index = (copy / "index.html").read_text()
    assert f"/static/{after['catalog.js']}" in index and before["catalog.js"] not in index
    assert sorted(p.name for p in (copy / "static").iterdir()) == sorted(after.values())
    assert fingerprint(copy) == after  # a second run changes nothing


def test_fingerprint_names_a_new_unhashed_file(tmp_path):
    copy = tmp_path / "assets"
    shutil.copytree(ASSETS, copy, ignore=shutil.ignore_patterns("img"))
    (copy / "static" / "extra.css").write_text("body{}")
    names = fingerprint(copy)
    assert names["extra.css"] == f"extra.{content_hash(b'body{}')}.css"
    assert not (copy / "static" / "extra.css").exists()


@pytest.mark.parametrize("slug", CATEGORIES)
def test_product_images_exist_for_every_category(slug):
    # The app tier's seed points products at exactly these paths (docs/contracts.md).
    for n in range(1, 5):
        path = ASSETS / "img" / "products" / f"{slug}-{n}.svg"
        root = ET.fromstring(path.read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert path.stat().st_size < 4096, f"{path.name} is larger than a thumbnail needs"


def test_catalog_has_the_twelve_contract_categories():
    contract = (ROOT / "docs" / "contracts.md").read_text()
    line = re.search(r"12 categories, slugs: `([^`]+)`", contract.replace("\n  ", " "))
    assert line and line[1].split() == list(CATEGORIES)
