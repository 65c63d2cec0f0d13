"""Every page of the shop passes axe-core (WCAG 2.1 A and AA, best practices), as an
anonymous visitor, a verified professional and an administrator, on a desktop and
on a phone.

The pages come from the app's URL map, so a route added later is audited without
anyone listing it. A GET route without arguments is visited as it is; a route
that takes arguments needs a representative page in ``REPRESENTATIVE``, and the
walk refuses to start without one. Non-pages (the JSON API, static files, the
health check) are recognised by their content type and left out.

A page behind a login is audited where each visitor lands: the login page for an
anonymous visitor, the page itself for the professional, and the back office for
the administrator only (the others get its 404 page).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask, url_for

from shop.demo_accounts import DEMO_ADMIN, DEMO_PROFESSIONAL
from tests import demo_catalogue as demo_data
from tests.browser.conftest import DEMO_CREDIT_NOTE, DEMO_ORDER_NUMBER, DEMO_PLAN_PRODUCT
from tests.conftest import make_app

ACTIVE_PRODUCT = next(product["slug"] for product in demo_data.PRODUCTS if product["active"])
# A product with an expired lot: its stock page shows the badge and the write-off form.
STOCKED_PRODUCT = next(
    product["sku"]
    for product in demo_data.PRODUCTS
    if product["active"] and any(days < 0 for _, days, _ in product.get("stock", []))
)

# Arguments for each route that takes some: a page of the demo catalogue that shows
# what the route's template can show (the first ingredient and indication have products).
REPRESENTATIVE: dict[str, dict[str, str]] = {
    "storefront.product_detail": {"slug": ACTIVE_PRODUCT},
    "storefront.ingredient_detail": {"slug": demo_data.INGREDIENTS[0]["slug"]},
    "storefront.indication_detail": {"slug": demo_data.INDICATIONS[0]["slug"]},
    "api.product_detail": {"slug": ACTIVE_PRODUCT},
    # The live shop's only licence is the demo professional's (the first one seeded).
    "licensing.download_document": {"licence_id": "1"},
    "admin.licence_detail": {"licence_id": "1"},
    "admin.licence_document_preview": {"licence_id": "1"},
    # The demo professional (seeded after the administrator): a page with its decision forms.
    "admin.user_detail": {"user_id": "2"},
    # The demo catalogue's first product and first of each vocabulary (each has products).
    "admin.product_edit": {"product_id": "1"},
    "admin.brand_edit": {"term_id": "1"},
    "admin.ingredient_edit": {"term_id": "1"},
    "admin.indication_edit": {"term_id": "1"},
    # The demo product's stock page: its lots (one expiring soon), forms and ledger.
    "admin.stock_product": {"sku": STOCKED_PRODUCT},
    # Links from mail: a made-up token shows the page that explains a broken link.
    "accounts.confirm_email": {"token": "not-a-real-link"},
    "accounts.reset_password": {"token": "not-a-real-link"},
    # The demo professional's paid order (tests/browser/conftest.py): the payment pages
    # send a paid order on to its page.
    **{
        endpoint: {"number": DEMO_ORDER_NUMBER}
        for endpoint in (
            "orders.detail",
            "orders.receipt",
            "payments.pay",
            "payments.payment_return",
        )
    },
    "admin.order_detail": {"number": DEMO_ORDER_NUMBER},
    # Its invoice and credit note, the demo professional's certificate, the first rate.
    "billing.invoice": {"number": DEMO_ORDER_NUMBER},
    "billing.credit_note": {"number": DEMO_ORDER_NUMBER, "note_number": DEMO_CREDIT_NOTE},
    "tax.certificate_document": {"certificate_id": "1"},
    "admin.tax_certificate_document": {"certificate_id": "1"},
    "admin.tax_rate": {"rate_id": "1"},
    # The demo professional's Dublin clinic, and the demo's first shipping method, zone
    # and rate (seed-demo).
    "shipping.edit_address": {"address_id": "1"},
    "admin.shipping_method": {"method_id": "1"},
    "admin.shipping_zone": {"zone_id": "1"},
    "admin.shipping_rate": {"rate_id": "1"},
    # The demo professional's saved plan (tests/browser/conftest.py) and its product's leaflet.
    **{
        endpoint: {"plan_id": "1"}
        for endpoint in ("courses.plan_detail", "courses.plan_leaflet", "courses.plan_leaflet_pdf")
    },
    "courses.product_leaflet": {"slug": DEMO_PLAN_PRODUCT},
    # The planner's JSON: one indication planned (its parameters go in the query string).
    "api.plan": {
        "indication": "hair-loss",
        "patients": "5",
        "start": (date.today() + timedelta(days=7)).isoformat(),
    },
    "courses.product_leaflet_pdf": {"slug": DEMO_PLAN_PRODUCT},
    "static": {"filename": "css/shop.css"},
    # A media file's URL names its bytes; no file has this one, so the 404 page is audited
    # (the files themselves are pictures, not pages).
    "media.media_file": {"key": "0" * 64, "extension": "jpg"},
    "bootstrap.static": {"filename": "css/bootstrap.min.css"},
}

# States of one route that render parts its plain URL does not: the audit of issue 6
# found its worst problems on these. (name, path, the status the visitor gets)
STATES: list[tuple[str, str, int]] = [
    ("empty search: every facet value disabled", "/products?q=no-such-product-anywhere", 200),
    ("filtered: disabled values and filter chips", "/products?area=scalp", 200),
    ("second page of results", "/products?page=2", 200),
    ("a page that does not exist", "/no-such-page", 404),
]


# Routes whose representative page answers with an error status on purpose.
STATUS: dict[str, int] = {
    "media.media_file": 404,
    "accounts.confirm_email": 400,
    "accounts.reset_password": 400,
    "health.prometheus_metrics": 404,  # no METRICS_TOKEN, no metrics: the 404 page
}

# Who walks the pages: None is an anonymous visitor; the others log in first.
VISITORS = {"anonymous": None, "professional": DEMO_PROFESSIONAL, "administrator": DEMO_ADMIN}


# Pages of the demo professional's order, and of their address book, that only they
# open; others get 404.
BUYERS_ONLY = {"payments.pay", "payments.payment_return", "shipping.edit_address"}


def expected_status(endpoint: str, visitor: str) -> int:
    if endpoint.startswith("admin.") and visitor == "professional":
        return 404  # the back office does not exist for anyone but administrators
    if endpoint in BUYERS_ONLY and visitor == "administrator":
        return 404
    if endpoint.startswith("courses.") and visitor == "administrator":
        return 403  # holds no licence: the planner's page says it is for verified professionals
    return STATUS.get(endpoint, 200)


def pages_to_visit(app: Flask, visitor: str = "anonymous") -> list[tuple[str, str, int]]:
    """(name, path, expected status) for every GET route, then the extra STATES."""
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())]
    problems = [
        f"REPRESENTATIVE names {endpoint}, which is no longer a GET route: remove it"
        for endpoint in sorted(REPRESENTATIVE.keys() - {rule.endpoint for rule in rules})
    ]
    pages = []
    with app.test_request_context():
        for rule in sorted(rules, key=lambda rule: rule.rule):
            values = REPRESENTATIVE.get(rule.endpoint, {})
            needed = rule.arguments - set(rule.defaults or {})
            if not needed <= values.keys():
                problems.append(
                    f"{rule.endpoint} ({rule.rule}) takes {', '.join(sorted(needed))}: add a"
                    " representative value for it to REPRESENTATIVE in"
                    " tests/browser/test_accessibility.py, so its page is audited too"
                )
                continue
            status = expected_status(rule.endpoint, visitor)
            pages.append((rule.endpoint, url_for(rule.endpoint, **values), status))
    assert not problems, "\n".join(problems)
    return pages + STATES


def test_every_get_route_of_the_shop_has_a_page_to_audit():
    app = make_app("sqlite://")
    routes = [rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())]
    pages = pages_to_visit(app)
    assert sorted(name for name, _, _ in pages[: len(routes)]) == sorted(
        rule.endpoint for rule in routes
    )


def test_a_route_added_without_a_representative_page_stops_the_walk_and_says_what_to_add():
    app = make_app("sqlite://")
    app.add_url_rule("/orders/<number>", "orders.order_detail", lambda number: number)
    with pytest.raises(
        AssertionError,
        match=r"orders\.order_detail \(/orders/<number>\) takes"
        r" number: add a representative value",
    ):
        pages_to_visit(app)


def test_a_representative_page_for_a_route_that_is_gone_is_reported(monkeypatch):
    monkeypatch.setitem(REPRESENTATIVE, "storefront.brand_detail", {"slug": "gone"})
    with pytest.raises(AssertionError, match=r"storefront\.brand_detail, which is no longer"):
        pages_to_visit(make_app("sqlite://"))


@pytest.mark.browser
@pytest.mark.parametrize("visitor", list(VISITORS))
@pytest.mark.parametrize("device", ["page", "phone_page"], ids=["desktop-1280px", "phone-390px"])
def test_every_page_passes_axe_core_for_every_kind_of_visitor(
    request, live_shop, log_in_as, device, visitor
):
    page = request.getfixturevalue(device)
    if VISITORS[visitor] is not None:
        log_in_as(page, VISITORS[visitor].email)
    audited: set[str] = set()
    failures: list[str] = []
    for name, path, status in pages_to_visit(live_shop.app, visitor):
        # Asked outside the page first: a JSON answer shown in the browser would be a
        # document too, and it is no page of the shop.
        answer = page.request.get(path)
        assert answer.status == status, f"{name}: {path} answered {answer.status}, not {status}"
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        try:
            page.goto(path)  # the page's audit runs axe-core once the document has loaded
        except AssertionError as violations:
            failures.append(f"{name}: {violations}")
        audited.add(path)
    # Pages known to be HTML: had the content-type test gone wrong, the walk audits nothing.
    assert {"/", "/products"} | {path for _, path, _ in STATES} <= audited, audited
    assert not failures, "\n\n".join(failures)
