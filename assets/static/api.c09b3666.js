// Shared by every page: talking to the same-origin /api, formatting, and the notices customers see.

const API = "/api";
const TIMEOUT_MS = 8000;

/** The backend could not answer (network error, timeout, 5xx): the page says so plainly. */
export class ApiUnavailable extends Error {}

/** The backend answered 404: the thing asked for does not exist. */
export class NotFound extends Error {}

/** GET a JSON document from the API; throws ApiUnavailable or NotFound. */
export async function getJson(path) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    // "no-cache": revalidate with the cache tier every time. Reads carry max-age=60, and a
    // customer who reloads after a price change must see the price the backend has now.
    response = await fetch(API + path, {
      cache: "no-cache",
      headers: { Accept: "application/json" },
      signal: controller.signal,
    });
  } catch (err) {
    throw new ApiUnavailable(`network: ${err}`);
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 404) throw new NotFound(path);
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || !type.includes("json")) {
    throw new ApiUnavailable(`HTTP ${response.status} for ${path}`);
  }
  return response.json();
}

// The locale that writes a currency the way its customers read it ("R$ 199,90" for BRL).
const CURRENCY_LOCALE = { BRL: "pt-BR", USD: "en-US", EUR: "de-DE", GBP: "en-GB" };

/** Format a price object {amount: "199.90", currency: "BRL"} for display. */
export function formatPrice(price) {
  const locale = CURRENCY_LOCALE[price.currency] || navigator.language;
  return new Intl.NumberFormat(locale, { style: "currency", currency: price.currency }).format(
    Number(price.amount),
  );
}

/** Describe stock as the customer cares about it: [text, css modifier]. */
export function stockState(stock) {
  if (stock <= 0) return ["Out of stock", "out"];
  if (stock <= 5) return [`Only ${stock} left`, "low"];
  return ["In stock", "in"];
}

/** Build an element: h("a", {href: "/"}, "text", child). Text is never parsed as HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") el.className = value;
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** Replace a region's content with a notice (role=alert for errors so screen readers announce it). */
// level: the heading level; 1 where the notice is all the page has to say (product page).
export function showNotice(region, { title, text, error = false, action = null, level = 2 }) {
  const notice = h(
    "div",
    { class: error ? "notice notice--error" : "notice", role: error ? "alert" : "status" },
    h(`h${level}`, { class: "notice__title" }, title),
    h("p", {}, text),
    action,
  );
  region.replaceChildren(notice);
  return notice;
}

/** The message shown whenever the API cannot be reached. */
export function showUnavailable(region, level = 2) {
  return showNotice(region, {
    level,
    error: true,
    title: "Our catalog is unavailable right now",
    text: "We couldn't reach the product service. Nothing is wrong on your side — please try again in a moment.",
    action: h("button", { type: "button", class: "button", onclick: () => location.reload() }, "Try again"),
  });
}

/** Fill the category bar; returns the categories (or [] when they could not be loaded). */
export async function loadCategories(nav, currentSlug = null) {
  let categories = [];
  try {
    categories = await getJson("/categories");
  } catch (err) {
    return [];
  }
  const items = [
    h("li", {}, h("a", { href: "/", "aria-current": currentSlug ? null : "page" }, "All")),
    ...categories.map((c) =>
      h(
        "li",
        {},
        h(
          "a",
          { href: `/category/${c.slug}`, "aria-current": c.slug === currentSlug ? "page" : null },
          c.name,
          " ",
          h("span", { class: "count" }, `(${c.product_count})`),
        ),
      ),
    ),
  ];
  nav.querySelector("ul").replaceChildren(...items);
  return categories;
}
