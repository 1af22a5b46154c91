"""axe-core finds no WCAG 2.1 A/AA violations on any storefront page, wide or narrow."""

from __future__ import annotations

import pytest

from tests.servers import free_port
from tools.edge import EdgeServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]
axe = pytest.importorskip(
    "axe_playwright_python", reason="add axe-playwright-python to requirements-dev.txt"
)

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
VIEWPORTS = {"wide": {"width": 1280, "height": 800}, "narrow": {"width": 375, "height": 700}}


def violations(page) -> list[str]:
    from importlib.resources import files

    # evaluate() runs outside the page's CSP (script-src 'self' forbids an injected script tag).
    page.evaluate((files(axe.__name__) / "axe.min.js").read_text())
    found = page.evaluate(f"async () => (await axe.run(document, {{runOnly: {RULES}}})).violations")
    return [
        f"{v['id']} ({v['impact']}): {n['target']} {n['failureSummary']}"
        for v in found
        for n in v["nodes"]
    ]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(
    ("path", "ready"),
    [("/", "a.card"), ("/products/3", "h1"), ("/category/hats", "a.card"), ("/nope", "h1")],
)
def test_pages_have_no_violations(stack, page, path, ready, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(stack.url + path)
    page.wait_for_selector(ready)
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/", "/products/3"])
def test_unavailable_message_has_no_violations(page, path):
    with EdgeServer(upstream=f"http://127.0.0.1:{free_port()}", port=free_port(), quiet=True) as e:
        page.goto(e.url + path)
        page.wait_for_selector("[role=alert]")
        assert violations(page) == []
