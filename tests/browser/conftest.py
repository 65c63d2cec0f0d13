"""A live shop with the demo catalogue, and headless Chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from shop.demo import seed_demo
from shop.extensions import db
from tests import dbs
from tests.browser.chromium import CHROMIUM_ARGS, chromium_path, wanted_path
from tests.conftest import make_app


@pytest.fixture(scope="session")
def live_url(tmp_path_factory) -> Iterator[str]:
    """The demo shop served on a free loopback port, on the run's database backend."""
    with dbs.test_database(tmp_path_factory.mktemp("live"), prefix="shop_live") as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            seed_demo()
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.engine.dispose()


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


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert errors == [], f"the page reported errors: {errors}"
