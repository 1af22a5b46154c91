"""A customer in headless Chromium, through edge -> cache tier -> app tier -> MariaDB."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, PRODUCTS
from tests.servers import free_port
from tools import smoke
from tools.edge import EdgeServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def brl(amount: Decimal | str) -> str:
    """How a Brazilian customer reads a price: R$ 1.379,90 (the space is a no-break space)."""
    text = f"{Decimal(amount):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"R$\u00a0{text}"


def stored(db, product_id: int) -> dict:
    with db.cursor() as cur:
        cur.execute(
            "SELECT p.name, p.price_amount, p.stock, c.slug FROM products p"
            " JOIN categories c ON c.id = p.category_id WHERE p.id = %s",
            (product_id,),
        )
        return cur.fetchone()


def test_customer_opens_a_product_and_sees_a_price_change(stack, db, page):
    page.goto(stack.url + "/")
    cards = page.locator("a.card")
    cards.first.wait_for()
    assert page.locator("h1").inner_text() == "All products"
    assert cards.count() == 24

    card = cards.nth(4)
    product_id = int(card.get_attribute("data-product-id"))
    row = stored(db, product_id)
    card.click()

    page.wait_for_url(f"**/products/{product_id}")
    price = page.get_by_test_id("price")
    assert page.locator("h1").inner_text() == row["name"]
    assert price.inner_text() == brl(row["price_amount"])
    assert page.title() == f"{row['name']} · vitrine"
    crumbs = page.get_by_role("navigation", name="Breadcrumb").inner_text()
    assert re.sub(r"\s+", " ", crumbs).endswith(row["name"])
    assert page.get_by_role(
        "img", name=re.compile(rf"^{re.escape(row['name'])}, photo 1 of")
    ).is_visible()

    # The merchant changes the price through the same front door (edge -> cache -> app).
    new_price = (row["price_amount"] + Decimal("1234.56")).quantize(Decimal("0.01"))
    response = requests.patch(
        f"{stack.url}/api/products/{product_id}",
        json={"price": str(new_price)},
        headers={"Authorization": f"Bearer {stack.admin_token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert stored(db, product_id)["price_amount"] == new_price

    page.reload()
    expect(price).to_have_text(brl(new_price))
    page.wait_for_load_state("networkidle")  # e.g. "R$ 1.433,46": thousands dot, decimal comma
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "product-page.png"))
    assert page.errors == []


def test_admin_change_needs_the_token(stack, db):
    before = stored(db, 1)["price_amount"]
    response = requests.patch(
        f"{stack.url}/api/products/1",
        json={"price": "1.00"},
        headers={"Authorization": "Bearer wrong"},
        timeout=10,
    )
    assert response.status_code == 401
    assert stored(db, 1)["price_amount"] == before


def test_request_id_travels_edge_to_app_tier(stack):
    request_id = "e2e-trace-0001"
    response = requests.get(
        f"{stack.url}/api/products/2?trace=1", headers={"X-Request-Id": request_id}, timeout=10
    )
    assert response.status_code == 200
    assert response.headers["X-Request-Id"] == request_id
    # The cache tier missed (new query string), so the app tier logged the same id.
    assert response.headers["X-Cache"] == "MISS"
    assert request_id in (stack.log_dir / "app.log").read_text()


def test_paging_and_category_filter(stack, db, page):
    page.goto(stack.url + "/")
    summary = page.locator("#summary")
    page.locator("a.card").first.wait_for()
    assert summary.inner_text() == f"Showing 1–24 of {PRODUCTS} products"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "catalog.png"))

    page.get_by_role("link", name="Next →").click()
    page.wait_for_url("**/?page=2")
    page.locator("a.card").first.wait_for()
    assert summary.inner_text() == f"Showing 25–48 of {PRODUCTS} products"
    expect(page.get_by_text(f"Page 2 of {-(-PRODUCTS // 24)}")).to_be_visible()

    page.get_by_role("navigation", name="Categories").get_by_role(
        "link", name=re.compile("^Shoes")
    ).click()
    page.wait_for_url("**/category/shoes")
    page.locator("a.card").first.wait_for()
    assert page.locator("h1").inner_text() == "Shoes"
    ids = [
        int(i)
        for i in page.locator("a.card").evaluate_all("cards => cards.map(c => c.dataset.productId)")
    ]
    assert ids and all(stored(db, i)["slug"] == "shoes" for i in ids)
    current = page.get_by_role("navigation", name="Categories").locator("[aria-current=page]")
    assert current.inner_text().startswith("Shoes")
    assert page.errors == []


def test_small_screen_shows_the_product_without_sideways_scrolling(stack, page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(stack.url + "/products/2")
    expect(page.get_by_test_id("price")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / "product-page-mobile.png"), full_page=True)


def test_keyboard_only_customer_reaches_a_product(stack, page):
    page.goto(stack.url + "/")
    page.locator("a.card").first.wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to products"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "card"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    page.locator("h1.product__name").wait_for()


def test_unknown_pages_and_products_say_not_found(stack, page):
    response = page.goto(stack.url + "/no/such/page")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"

    page.goto(stack.url + "/products/987654321")
    expect(page.get_by_role("heading", name="Product not found")).to_be_visible()

    page.goto(stack.url + "/category/no-such-thing")
    page.get_by_role("heading", name="We couldn't find that category").wait_for()


@pytest.mark.parametrize("path", ["/", "/products/1", "/category/shoes"])
def test_api_unavailable_shows_a_clear_message(path, page):
    # The CDN still serves the pages, but nothing answers behind /api/*.
    with EdgeServer(
        upstream=f"http://127.0.0.1:{free_port()}", port=free_port(), quiet=True
    ) as edge:
        page.goto(edge.url + path)
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "Our catalog is unavailable right now" in alert.inner_text()
        expect(page.get_by_role("button", name="Try again")).to_be_visible()
    assert page.errors == []


def test_smoke_passes_against_the_local_stack(stack, capsys):
    code = smoke.main(["--url", stack.url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "smoke: 5 passed, 0 failed" in out
