// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

// Forms marked data-autosubmit (sorting) submit when their select changes by mouse or
// touch. Arrow keys change a closed select one option at a time, and submitting on each
// would reload the page under the keyboard user's fingers (WCAG 3.2.2, on input): a
// change made with keys shows the form's Apply button and waits for it, or for Enter.
const keyedSelects = new WeakSet();

function autosubmitSelect(target) {
  return target instanceof HTMLSelectElement && target.form && target.form.hasAttribute("data-autosubmit")
    ? target
    : null;
}

document.addEventListener("pointerdown", (event) => {
  const select = autosubmitSelect(event.target);
  if (select) keyedSelects.delete(select);
});

document.addEventListener("keydown", (event) => {
  const select = autosubmitSelect(event.target);
  if (!select || event.key === "Tab") return;
  const changed = Array.from(select.options).some((option) => option.selected !== option.defaultSelected);
  if (event.key === "Enter" && changed) {
    event.preventDefault();
    select.form.requestSubmit();
  } else {
    keyedSelects.add(select);
  }
});

document.addEventListener("change", (event) => {
  const select = autosubmitSelect(event.target);
  if (!select) return;
  if (keyedSelects.has(select)) {
    select.form.querySelectorAll(".js-hidden").forEach((button) => button.classList.remove("js-hidden"));
  } else {
    select.form.requestSubmit();
  }
});

// Facet values are links that act as checkboxes (role="checkbox"); a checkbox toggles
// with Space, so these do too (Enter follows the link as any link does).
document.addEventListener("keydown", (event) => {
  const link = event.target instanceof Element && event.target.closest('a[role="checkbox"]');
  if (link && event.key === " ") {
    event.preventDefault();
    link.click();
  }
});

// Every filter, sort, page and search of the catalogue loads a new page, which would put
// the focus back at the top and say nothing about the outcome. Before leaving, remember
// which control was used; on the new page, give the focus back to it (or to the results'
// heading) and fill the status region so screen readers announce the count.
const FOCUS_KEY = "shop:catalogue-focus";
const FOCUS_FRESH_MS = 10000; // older: the navigation it was for never happened

function remember(target) {
  try {
    sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ ...target, at: Date.now() }));
  } catch {
    // Storage refused (private mode, quota): the page works, only without the focus hand-back.
  }
}

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a[href]");
  // With a modifier the link opens elsewhere and this page stays.
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  const facet = link.closest("[data-facet]");
  if (facet && link.dataset.slug) {
    remember({ facet: facet.dataset.facet, slug: link.dataset.slug });
  } else if (link.closest(".pagination, .active-filters, #no-results")) {
    remember({ heading: true });
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.hasAttribute("data-autosubmit")) {
    const select = form.querySelector("select");
    remember({ id: select ? select.id : null });
  } else if (form.getAttribute("role") === "search") {
    remember({ heading: true });
  }
});

function recalled() {
  try {
    const value = JSON.parse(sessionStorage.getItem(FOCUS_KEY));
    sessionStorage.removeItem(FOCUS_KEY);
    return value && Date.now() - value.at < FOCUS_FRESH_MS ? value : null;
  } catch {
    return null;
  }
}

function restoreCatalogueFocus() {
  const target = recalled();
  const status = document.getElementById("catalog-status");
  if (!target || !status) return;
  let control = null;
  if (target.facet) {
    control = document.querySelector(
      `[data-facet="${CSS.escape(target.facet)}"] a[data-slug="${CSS.escape(target.slug)}"]`,
    );
  } else if (target.id) {
    control = document.getElementById(target.id);
  }
  // On a phone the filters fold away again with each page: their toggle is the nearest
  // place to the value the user chose.
  const folded = control && control.getClientRects().length === 0 && control.closest(".collapse");
  if (folded) control = document.querySelector(`[aria-controls="${CSS.escape(folded.id)}"]`);
  if (!control) {
    control = document.querySelector("main h1");
    if (control) control.setAttribute("tabindex", "-1");
  }
  if (control) control.focus();
  // Filled a moment after load, once assistive technology watches the empty region.
  setTimeout(() => {
    status.textContent = status.dataset.message;
  }, 300);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", restoreCatalogueFocus);
} else {
  restoreCatalogueFocus();
}

// Checkout: the summary's shipping and total follow the shipping method chosen (each
// method's label says its price and the order's total too, without this script).
document.addEventListener("change", (event) => {
  const choice = event.target;
  if (!(choice instanceof HTMLInputElement) || !choice.dataset.shippingPrice) return;
  const shipping = document.querySelector(".order-shipping");
  const total = document.querySelector(".order-total");
  const tax = document.querySelector(".order-shipping-tax");
  if (shipping) shipping.textContent = choice.dataset.shippingPrice;
  if (tax) tax.textContent = choice.dataset.shippingTax;
  if (total) total.textContent = choice.dataset.orderTotal;
});

// The patient leaflet's Print button (an inline onclick would break the page's CSP).
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});

// A table that scrolls sideways says so: a hint under it, and a fade at the edge where
// more columns wait (shop.css), kept up to date as the window and the table scroll.
function markScrollable(region) {
  region.classList.toggle("is-scrollable", region.scrollWidth > region.clientWidth + 1);
  region.classList.toggle("at-end", region.scrollLeft + region.clientWidth >= region.scrollWidth - 1);
}

const scrollingTables = document.querySelectorAll(".table-responsive");
scrollingTables.forEach((region) => {
  const hint = document.createElement("p");
  hint.className = "scroll-hint small text-body-secondary mt-n2";
  hint.setAttribute("aria-hidden", "true"); // the region's own name says what it holds
  hint.textContent = "Scroll sideways for more columns →";
  region.after(hint);
  markScrollable(region);
  region.addEventListener("scroll", () => markScrollable(region), { passive: true });
});
window.addEventListener("resize", () => scrollingTables.forEach(markScrollable));

// The product page's gallery: a thumbnail brings its picture into view without moving the
// page, becomes the current one and says which picture shows, for screen readers. A swipe
// or the arrow keys on the strip move the current thumbnail along.
document.querySelectorAll("[data-gallery]").forEach((gallery) => {
  const strip = gallery.querySelector(".gallery-strip");
  const thumbs = Array.from(gallery.querySelectorAll(".gallery-thumb"));
  const status = gallery.querySelector("[data-gallery-status]");
  if (!strip || !thumbs.length) return;
  const mark = (current) => thumbs.forEach((thumb) => {
    if (thumb === current) thumb.setAttribute("aria-current", "true");
    else thumb.removeAttribute("aria-current");
  });
  thumbs.forEach((thumb, index) => thumb.addEventListener("click", (event) => {
    event.preventDefault();
    mark(thumb);
    strip.scrollTo({ left: index * strip.clientWidth });
    const alt = thumb.querySelector("img").alt;
    if (status) status.textContent = `Showing ${alt.charAt(0).toLowerCase()}${alt.slice(1)}`;
  }));
  let settle = null;
  strip.addEventListener("scroll", () => {
    clearTimeout(settle);
    settle = setTimeout(() => {
      const shown = thumbs[Math.round(strip.scrollLeft / strip.clientWidth)];
      if (shown && shown.getAttribute("aria-current") !== "true") mark(shown);
    }, 120);
  }, { passive: true });
});
