"""A live shop with the demo catalogue, and headless Chromium driven by Playwright.

Every page a browser test opens (``page``, ``phone_page``, ``open_page``) is under
an accessibility audit (``tests/browser/axe.py``): each HTML document it shows
must pass axe-core, and its console must stay free of errors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import BrowserContext, ConsoleMessage, Page
from sqlalchemy import select
from werkzeug.serving import make_server

from devtools.localstripe import register_webhook, unregister_webhook
from shop.accounts.services import find_user_by_email
from shop.accounts.sessions import Client, start_session
from shop.catalog.models import Product
from shop.checkout.placing import ShippingAddress, place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.demo import seed_demo
from shop.demo_accounts import DEMO_PROFESSIONAL, seed_demo_accounts
from shop.extensions import db
from shop.licensing.documents import UploadedDocument
from shop.licensing.gate import today_at
from shop.orders.services import PaymentFacts, lock_order, record_refund
from shop.payments.settle import apply_intent
from shop.tax.certificates import submit_certificate
from tests import dbs
from tests.browser.axe import PageAudit
from tests.browser.chromium import CHROMIUM_ARGS, chromium_path, wanted_path
from tests.conftest import make_app
from tests.factories import PDF_BYTES, make_professional

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

TEST_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[TEST_FAILED] = report.failed
    return report


@dataclass(frozen=True)
class LiveShop:
    app: Flask
    url: str


# A paid order of the demo professional's, so that the order's pages have one to show.
DEMO_ORDER_NUMBER = "MP-PA1D-0001"
DEMO_ORDER_PRODUCT = "dermavera-clarity-tx"


def add_paid_demo_order() -> None:
    professional = find_user_by_email(DEMO_PROFESSIONAL.email)
    product = db.session.scalar(select(Product).where(Product.slug == DEMO_ORDER_PRODUCT))
    add_to_cart(professional, product.id, 1, today=today_at())
    order = place_order(
        professional,
        ShippingAddress(
            clinic_name="Demo Aesthetic Clinic",
            address_line1="1 Merrion Square",
            city="Dublin",
            postal_code="D02 XY45",
            country="IE",
            phone="+353 1 234 5678",
        ),
        "standard",
        now=utcnow(),
    )
    order.number = DEMO_ORDER_NUMBER
    intent = {
        "id": "pi_demo_paid",
        "status": "succeeded",
        "amount": order.total_cents,
        "currency": order.currency.lower(),
    }
    apply_intent(lock_order(order.id), intent, "demo", refunded_cents=0)
    # Part of it refunded (a credit note), and a certificate waiting for review.
    record_refund(
        order,
        PaymentFacts(
            payment_intent_id="pi_demo_paid",
            status="succeeded",
            amount_cents=order.total_cents,
            currency=order.currency.lower(),
            amount_refunded_cents=1000,
            source="demo refund",
        ),
    )
    submit_certificate(
        professional,
        kind="resale",
        region="CA",
        number="SR-DEMO-1",
        expires_on=today_at() + timedelta(days=365),
        document=UploadedDocument("certificate.pdf", "application/pdf", PDF_BYTES, "0" * 64),
        today=today_at(),
    )


# The demo order's credit note: the first of the year.
DEMO_CREDIT_NOTE = f"CN-{date.today().year}-000001"


# A saved course plan of the demo professional's, so the plan's pages have one to show.
DEMO_PLAN_INDICATION = "hair-loss"
DEMO_PLAN_PRODUCT = "vellanova-pdrn-capillary"


def add_demo_plan() -> None:
    from shop.courses.planning import read_plan_request
    from shop.courses.plans import chosen_lines, save_plan

    professional = find_user_by_email(DEMO_PROFESSIONAL.email)
    product = db.session.scalar(select(Product).where(Product.slug == DEMO_PLAN_PRODUCT))
    today = today_at()
    request = read_plan_request(
        {
            "indication": DEMO_PLAN_INDICATION,
            "patients": "5",
            "sessions": "10",
            "start": (today + timedelta(days=7)).isoformat(),
        },
        today=today,
    )
    save_plan(
        professional, request, chosen_lines(request, [product.id], today=today), "Scalp, spring"
    )


@pytest.fixture(scope="session")
def live_shop(tmp_path_factory, local_stripe_server) -> Iterator[LiveShop]:
    """The demo shop served on a free loopback port, on the run's database backend, paying
    on the local Stripe server."""
    with dbs.test_database(tmp_path_factory.mktemp("live"), prefix="shop_live") as url:
        app = make_app(url, **local_stripe_server.app_config)
        with app.app_context():
            upgrade()
            seed_demo()
            seed_demo_accounts()  # seed-demo adds them in development only
            add_paid_demo_order()
            add_demo_plan()
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        # Links in mail must open this server.
        app.config["SHOP_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveShop(app, f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="session")
def live_url(live_shop) -> str:
    return live_shop.url


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip(
            f"Chromium not found at {wanted_path()} (apt-get install chromium, or set CHROMIUM_PATH)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _is_error(message: ConsoleMessage, page: Page) -> bool:
    # A test that opens the 404 page gets its status logged as a failed load of the page
    # itself; a missing stylesheet or script on any page still counts.
    own_status = message.text.startswith("Failed to load resource") and (
        message.location.get("url") == page.url
    )
    return message.type == "error" and not own_status


@pytest.fixture
def open_page(browser, live_url, request) -> Iterator[Callable[..., Page]]:
    """``open_page(viewport, **context_options)``: a new page in a new browser context.

    When the test ends, each page opened must have passed axe-core on every HTML
    document it showed (see ``PageAudit``) and reported no error in its console.
    """
    opened: list[tuple[BrowserContext, PageAudit, list[str]]] = []

    def open_(viewport: dict = DESKTOP, **options) -> Page:
        context = browser.new_context(base_url=live_url, viewport=viewport, **options)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: _is_error(message, page) and errors.append(message.text))
        opened.append((context, PageAudit(page), errors))
        return page

    yield open_
    problems: list[str] = []
    for context, audit, errors in opened:
        # A test that failed already says why; auditing the page it stopped on adds noise.
        if not request.node.stash.get(TEST_FAILED, True):
            try:
                audit.finish()
            except AssertionError as error:
                problems.append(str(error))
        context.close()
        if errors:
            problems.append(f"the page reported errors: {errors}")
    assert not problems, "\n\n".join(problems)


@pytest.fixture
def page(open_page) -> Page:
    """A desktop browser page (1280 px wide)."""
    return open_page(DESKTOP)


@pytest.fixture
def phone_page(open_page) -> Page:
    """A phone's page: 390 px wide, mobile layout and touch."""
    return open_page(PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def log_in_as(live_shop) -> Callable[[Page, str], None]:
    """``log_in_as(page, email)``: the page's browser holds that user's session cookie,
    as after logging in (the log-in form itself is tested on its own)."""

    def log_in(page: Page, email: str) -> None:
        app = live_shop.app
        with app.app_context():
            user = find_user_by_email(email)
            assert user is not None, f"no account {email} in the live shop"
            key = start_session(
                user, client=Client("127.0.0.1", "playwright"), remember=False, now=utcnow()
            ).key
            db.session.commit()
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": key, "_fresh": True}
        )
        page.context.add_cookies(
            [{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": live_shop.url}]
        )

    return log_in


@pytest.fixture
def buyer(live_shop, log_in_as) -> Callable[[Page], str]:
    """``buyer(page)``: a new verified professional, logged in on that page; their e-mail."""

    def new_buyer(page: Page) -> str:
        with live_shop.app.app_context():
            email = make_professional().email
            db.session.commit()
        log_in_as(page, email)
        return email

    return new_buyer


@pytest.fixture
def stripe_posts_to_the_shop(live_shop, local_stripe) -> Iterator[None]:
    """The local Stripe server, emptied, signs its events for the live shop's webhook."""
    register_webhook(
        local_stripe.api_base,
        f"{live_shop.url}/stripe/webhook",
        live_shop.app.config["STRIPE_WEBHOOK_SECRET"],
    )
    yield
    unregister_webhook(local_stripe.api_base)
