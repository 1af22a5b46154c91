// Product page: "/products/{id}" shows one product with its images, price and stock.

import {
  formatPrice,
  getJson,
  h,
  loadCategories,
  NotFound,
  showNotice,
  showUnavailable,
  stockState,
} from "./api.c09b3666.js";

const idMatch = location.pathname.match(/^\/products\/([0-9]+)\/?$/);
const region = document.getElementById("product");
const crumbs = document.getElementById("breadcrumb-list");

function gallery(product) {
  const images = product.images && product.images.length ? product.images : [];
  const total = images.length;
  const altFor = (i) => `${product.name}, photo ${i + 1} of ${total}`;
  const main = h("img", {
    class: "gallery__main",
    src: images[0] || "",
    alt: total ? altFor(0) : "",
    width: 640,
    height: 640,
    id: "main-image",
  });
  const buttons = images.map((src, i) =>
    h(
      "button",
      {
        type: "button",
        "aria-pressed": i === 0 ? "true" : "false",
        "aria-controls": "main-image",
        onclick: (event) => {
          main.src = src;
          main.alt = altFor(i);
          for (const b of event.currentTarget.closest("ul").querySelectorAll("button")) {
            b.setAttribute("aria-pressed", String(b === event.currentTarget));
          }
        },
      },
      h("img", { src, alt: `Show photo ${i + 1} of ${total}`, width: 72, height: 72 }),
    ),
  );
  return h(
    "div",
    { class: "gallery" },
    main,
    total > 1 ? h("ul", { class: "gallery__thumbs", "aria-label": "Photos" }, ...buttons.map((b) => h("li", {}, b))) : null,
  );
}

function breadcrumb(product, categoryName) {
  crumbs.replaceChildren(
    h("li", {}, h("a", { href: "/" }, "Home")),
    h("li", {}, h("a", { href: `/category/${product.category}` }, categoryName)),
    h("li", {}, h("span", { "aria-current": "page" }, product.name)),
  );
}

function render(product, categoryName) {
  const [stockText, stockClass] = stockState(product.stock);
  document.title = `${product.name} · vitrine`;
  breadcrumb(product, categoryName);
  region.replaceChildren(
    h(
      "article",
      { class: "product", "aria-labelledby": "product-name" },
      gallery(product),
      h(
        "div",
        { class: "product__details" },
        h("h1", { class: "product__name", id: "product-name" }, product.name),
        h("p", { class: "product__price", "data-testid": "price" }, formatPrice(product.price)),
        h("p", { class: `stock stock--${stockClass}`, "data-testid": "stock" }, stockText),
        h("p", { class: "product__description" }, product.description),
        h("p", { class: "product__meta" }, `SKU ${product.sku}`),
      ),
    ),
  );
}

async function main() {
  if (!idMatch) {
    showNotice(region, {
      level: 1,
      title: "Product not found",
      text: "That address doesn't point to a product.",
    });
    return;
  }
  const categoriesPromise = loadCategories(document.getElementById("categories"));
  let product;
  try {
    product = await getJson(`/products/${idMatch[1]}`);
  } catch (err) {
    if (err instanceof NotFound) {
      document.title = "Product not found · vitrine";
      showNotice(region, {
        level: 1,
        title: "Product not found",
        text: "This product may have been removed from the catalog.",
        action: h("a", { class: "button", href: "/" }, "Browse the catalog"),
      });
    } else {
      document.title = "Catalog unavailable · vitrine";
      showUnavailable(region, 1);
    }
    return;
  }
  const categories = await categoriesPromise;
  const category = categories.find((c) => c.slug === product.category);
  render(product, category ? category.name : product.category);
}

main();
