// Catalog page: "/" lists every product, "/category/{slug}" one category; ?page=N pages through.

import {
  ApiUnavailable,
  formatPrice,
  getJson,
  h,
  loadCategories,
  NotFound,
  showNotice,
  showUnavailable,
  stockState,
} from "./api.c09b3666.js";

const PER_PAGE = 24;

const slugMatch = location.pathname.match(/^\/category\/([a-z0-9-]+)\/?$/);
const slug = slugMatch ? slugMatch[1] : null;
const page = Math.max(1, Number.parseInt(new URLSearchParams(location.search).get("page"), 10) || 1);

const title = document.getElementById("page-title");
const summary = document.getElementById("summary");
const results = document.getElementById("results");
const pager = document.getElementById("pager");

function card(product) {
  const [stockText, stockClass] = stockState(product.stock);
  const image = (product.images && product.images[0]) || "/img/placeholder.svg";
  return h(
    "li",
    {},
    h(
      "a",
      { class: "card", href: `/products/${product.id}`, "data-product-id": product.id },
      // The link's text (the name) already says what the image shows.
      h("img", { src: image, alt: "", width: 320, height: 320, loading: "lazy", decoding: "async" }),
      h(
        "div",
        { class: "card__body" },
        h("h2", { class: "card__name" }, product.name),
        h("p", { class: `stock stock--${stockClass}` }, stockText),
        h("p", { class: "card__price" }, formatPrice(product.price)),
      ),
    ),
  );
}

function pageHref(n) {
  const params = new URLSearchParams(location.search);
  if (n === 1) params.delete("page");
  else params.set("page", String(n));
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : "");
}

function renderPager(total) {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  if (pages === 1) {
    pager.replaceChildren();
    return;
  }
  const prev =
    page > 1
      ? h("a", { href: pageHref(page - 1), rel: "prev" }, "← Previous")
      : h("span", { "aria-disabled": "true" }, "← Previous");
  const next =
    page < pages
      ? h("a", { href: pageHref(page + 1), rel: "next" }, "Next →")
      : h("span", { "aria-disabled": "true" }, "Next →");
  pager.replaceChildren(prev, h("span", { "aria-current": "page" }, `Page ${page} of ${pages}`), next);
}

async function main() {
  const categoriesPromise = loadCategories(document.getElementById("categories"), slug);
  const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
  if (slug) query.set("category", slug);

  let listing;
  try {
    listing = await getJson(`/products?${query}`);
  } catch (err) {
    summary.textContent = "";
    if (err instanceof NotFound) {
      title.textContent = "Category not found";
      showNotice(results, {
        title: "We couldn't find that category",
        text: "It may have been renamed. Browse everything we have instead.",
        action: h("a", { class: "button", href: "/" }, "See all products"),
      });
    } else {
      title.textContent = slug ? "Category" : "All products";
      showUnavailable(results);
      if (!(err instanceof ApiUnavailable)) console.error(err);
    }
    return;
  }

  const categories = await categoriesPromise;
  const category = categories.find((c) => c.slug === slug);
  if (slug && categories.length && !category) {
    title.textContent = "Category not found";
    summary.textContent = "";
    showNotice(results, {
      title: "We couldn't find that category",
      text: "It may have been renamed. Browse everything we have instead.",
      action: h("a", { class: "button", href: "/" }, "See all products"),
    });
    return;
  }
  const heading = category ? category.name : slug ? slug : "All products";
  title.textContent = heading;
  document.title = `${heading} · vitrine`;

  const { items, total } = listing;
  if (!items.length) {
    summary.textContent = "";
    showNotice(results, {
      title: total ? "There is nothing on this page" : "No products here yet",
      text: total ? "You went past the last page." : "Come back soon — new arrivals land every week.",
      action: total ? h("a", { class: "button", href: pageHref(1) }, "Back to the first page") : null,
    });
    renderPager(total);
    return;
  }
  const first = (page - 1) * PER_PAGE + 1;
  summary.textContent = `Showing ${first}–${first + items.length - 1} of ${total} products`;
  results.replaceChildren(h("ul", { class: "grid", "aria-labelledby": "page-title" }, ...items.map(card)));
  renderPager(total);
}

main();
