"""The shop behind Debian's nginx, as deploy/nginx/shop.conf sets it up, over https.

Two gunicorn instances with the production configuration (PROXY_COUNT=1) behind nginx
with a self-signed certificate: log in with Secure cookies, anonymous pages kept by
nginx's microcache and pages with a session never kept, the app's own 414 for a long
URL and nginx's for a longer one, static files from disk with long cache headers, product pictures kept by nginx for
everyone, and
the client's address, as nginx passed it, in the app's log.
"""

from __future__ import annotations

import http.client
import io
import re
import socket
import ssl
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlencode

import pytest

from shop.guard import MAX_URL_LENGTH
from tests import dbs
from tests.migration_cli import flask
from tests.production.servers import (
    SERVER_NAME,
    gunicorn,
    nginx,
    nginx_missing_reason,
    production_env,
    request_id_line,
    skip_or_fail_without,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]

ADMIN_EMAIL = "admin@shop.example"
ADMIN_PASSWORD = "Pelican-Orchard-Violin-47"
CLIENT_ADDRESS = "127.0.0.2"  # the test's side of the connection to nginx; nginx is 127.0.0.1


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def cookies(self) -> dict[str, str]:
        """Set-Cookie lines by cookie name, whole (value and attributes)."""
        return {line.split("=", 1)[0]: line for line in self.headers.get_all("Set-Cookie") or []}


class ShopHTTPS(http.client.HTTPSConnection):
    """https to nginx on loopback as to https://shop.example, from CLIENT_ADDRESS."""

    def __init__(self, port: int, cafile: Path) -> None:
        context = ssl.create_default_context(cafile=str(cafile))
        super().__init__(SERVER_NAME, port, context=context, timeout=30)

    def connect(self) -> None:
        sock = socket.create_connection(
            ("127.0.0.1", self.port), self.timeout, source_address=(CLIENT_ADDRESS, 0)
        )
        self.sock = self._context.wrap_socket(sock, server_hostname=SERVER_NAME)


@pytest.fixture(scope="module")
def picture_url(site_database) -> str:
    """One picture uploaded through the upload service; the URL of its smallest WebP."""
    from PIL import Image

    from shop.catalog.images import upload_image
    from shop.extensions import db
    from tests.conftest import make_app

    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 160)).save(picture, "JPEG")
    with make_app(site_database).app_context():
        image, _ = upload_image(None, picture.getvalue(), "vial.jpg")
        db.session.commit()
        return f"/media/{image.renditions[0][2]}.webp"


@pytest.fixture(scope="module")
def site_database(migrated_template):
    skip_or_fail_without(nginx_missing_reason())
    with dbs.postgres_database("shop_nginx", template=migrated_template) as url:
        created = flask(
            url, "shop", "create-admin", ADMIN_EMAIL, env={"SHOP_ADMIN_PASSWORD": ADMIN_PASSWORD}
        )
        assert created.returncode == 0, created.stderr
        yield url


@pytest.fixture(scope="module")
def site(tmp_path_factory, site_database):
    folder = tmp_path_factory.mktemp("nginx-smoke")
    env = production_env(site_database, PROXY_COUNT="1", SHOP_BASE_URL=f"https://{SERVER_NAME}")
    with (
        gunicorn(folder, env, workers=1, name="first") as first,
        gunicorn(folder, env, workers=1, name="second") as second,
        nginx(folder, [first.port, second.port]) as proxy,
    ):
        yield proxy, [first, second]


def fetch(site, method: str, path: str, headers=None, body: bytes | None = None) -> Answer:
    proxy, _ = site
    connection = ShopHTTPS(proxy.https_port, proxy.certificate)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.msg, response.read())
    finally:
        connection.close()


def app_lines(site, request_id: str) -> list[str]:
    """The access-log lines of both instances for this request id, once written."""
    _, instances = site

    def found():
        lines = [line for server in instances for line in server.access_lines()]
        return [line for line in lines if line.endswith(f"request_id={request_id}")]

    return wait_until(found, seconds=10) or []


def never_reached_the_app(site, request_id: str) -> bool:
    """True when a request made after this one reached the app and this one did not."""
    marker = f"{request_id}-after"
    assert fetch(site, "GET", "/livez", headers={"X-Request-ID": marker}).status == 200
    assert app_lines(site, marker)  # the app has written its lines up to here
    _, instances = site
    lines = [line for server in instances for line in server.access_lines()]
    return not any(line.endswith(f"request_id={request_id}") for line in lines)


def log_in(site) -> str:
    """Log in as the administrator through nginx; the session cookie's value."""
    form = fetch(site, "GET", "/login")
    assert form.status == 200
    start = form.cookies()["session"]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)[1]
    answer = fetch(
        site,
        "POST",
        "/login",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": start.split(";", 1)[0],
            # Browsers send it; over https Flask-WTF checks it against the host nginx passed.
            "Referer": f"https://{SERVER_NAME}:{site[0].https_port}/login",
        },
        body=urlencode(
            {"csrf_token": token, "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).encode(),
    )
    assert answer.status == 302, answer.text[:2000]
    assert answer.headers["Location"] == "/account"
    session = answer.cookies()["session"]
    attributes = [part.strip().lower() for part in session.split(";")[1:]]
    assert {"secure", "httponly", "samesite=lax"} <= set(attributes), session
    return session.split(";", 1)[0]


def test_logging_in_over_https_sets_secure_cookies_that_work(site):
    cookie = log_in(site)
    account = fetch(site, "GET", "/account", headers={"Cookie": cookie})
    assert account.status == 200
    assert ADMIN_EMAIL in account.text
    assert account.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_an_anonymous_page_is_served_from_the_cache_the_second_time(site):
    path = "/products?sort=name"
    first = fetch(site, "GET", path, headers={"X-Request-ID": "smoke-anon-1"})
    second = fetch(site, "GET", path, headers={"X-Request-ID": "smoke-anon-2"})
    assert first.status == second.status == 200
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.body == first.body
    assert len(app_lines(site, "smoke-anon-1")) == 1
    assert never_reached_the_app(site, "smoke-anon-2")
    assert "Log in" in second.text


def test_a_page_with_a_session_is_never_cached_nor_served_from_the_cache(site):
    cookie = log_in(site)
    path = "/products?sort=price"
    anonymous = fetch(site, "GET", path)
    assert anonymous.headers["X-Cache-Status"] == "MISS"  # now kept for visitors without a session
    for n in (1, 2):
        page = fetch(site, "GET", path, headers={"Cookie": cookie, "X-Request-ID": f"smoke-s{n}"})
        assert page.status == 200
        assert page.headers["Cache-Control"] == "private, no-store"
        assert page.headers["X-Cache-Status"] == "BYPASS"
        assert "Log out" in page.text and "Log in" not in page.text  # their own page
        assert len(app_lines(site, f"smoke-s{n}")) == 1
    account = fetch(site, "GET", "/account", headers={"Cookie": cookie})
    again = fetch(site, "GET", "/account", headers={"Cookie": cookie})
    assert again.headers["X-Cache-Status"] == account.headers["X-Cache-Status"] == "BYPASS"
    # The anonymous copy is still the anonymous page.
    assert "Log in" in fetch(site, "GET", path).text


def test_a_long_url_within_the_apps_limit_is_served_and_cached(site):
    # A campaign tag the API ignores, as long as a link from a mailing might carry.
    path = "/api/v1/products?" + urlencode({"utm_content": "x" * 7500})
    assert 7000 < len(path) < MAX_URL_LENGTH
    first, second = fetch(site, "GET", path), fetch(site, "GET", path)
    assert first.status == second.status == 200, first.text[:500]
    assert (first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]) == ("MISS", "HIT")


def test_a_url_over_the_apps_limit_gets_the_apps_414_and_a_longer_one_nginxs(site):
    long = fetch(site, "GET", "/api/v1/products/" + "a" * (MAX_URL_LENGTH + 100))
    assert long.status == 414
    assert long.headers["Content-Type"] == "application/json"
    assert b'"code":"uri_too_long"' in long.body
    assert long.headers["X-Request-ID"]  # the app answered
    longer = fetch(site, "GET", "/api/v1/products/" + "a" * (3 * MAX_URL_LENGTH))
    assert longer.status == 414
    assert "X-Request-ID" not in longer.headers  # nginx answered: it bounds the request line
    assert b"nginx" in longer.body


def test_the_apps_log_has_the_client_address_nginx_passed_not_a_forged_one(site):
    answer = fetch(
        site,
        "GET",
        "/api/v1/brands",
        headers={"X-Request-ID": "smoke-address", "X-Forwarded-For": "203.0.113.9"},
    )
    assert answer.status == 200
    (line,) = app_lines(site, "smoke-address")
    assert line.startswith(f"{CLIENT_ADDRESS} "), line
    proxy, _ = site
    nginx_line = wait_until(
        lambda: request_id_line(proxy.access_log.read_text().splitlines(), "smoke-address")
    )
    assert nginx_line and nginx_line.startswith(f"{CLIENT_ADDRESS} ")


def test_static_files_come_from_disk_with_long_cache_headers(site):
    page = fetch(site, "GET", "/")
    for name in ("css/shop.css", "css/bootstrap.min.css"):
        url = re.search(rf'href="(/[^"]*{re.escape(name)}\?v=[0-9a-f]{{12}})"', page.text)
        assert url, f"no versioned link to {name}"
        answer = fetch(site, "GET", url[1], headers={"X-Request-ID": f"smoke-{name}"})
        assert answer.status == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Type"] == "text/css"
        assert "X-Request-ID" not in answer.headers  # nginx served it, not the app


def test_product_pictures_are_kept_by_nginx_for_everyone_after_the_first_ask(site, picture_url):
    cookie = log_in(site)
    first = fetch(site, "GET", picture_url, headers={"X-Request-ID": "smoke-media-1"})
    assert first.status == 200, first.text[:500]
    second = fetch(
        site, "GET", picture_url, headers={"X-Request-ID": "smoke-media-2", "Cookie": cookie}
    )
    assert second.status == 200
    assert second.body == first.body
    assert second.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert (first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]) == ("MISS", "HIT")
    assert "Set-Cookie" not in second.headers


def test_metrics_are_not_served_through_the_proxy_and_http_goes_to_https(site):
    assert fetch(site, "GET", "/metrics").status == 404
    proxy, _ = site
    plain = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=30)
    try:
        plain.request("GET", "/products?page=2", headers={"Host": SERVER_NAME})
        response = plain.getresponse()
        assert response.status == 301
        assert response.getheader("Location") == f"https://{SERVER_NAME}/products?page=2"
    finally:
        plain.close()
