"""Response headers that every page gets: a strict Content-Security-Policy and friends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(config: Mapping[str, Any], **directives: str) -> str:
    """The shop's own origin, plus exactly the configured Stripe.js origin (its script and
    frames) and Stripe's API origin, which Stripe.js calls from the page. A page that needs
    more passes it (``frame_src="'self'"``)."""
    stripe_js = origin_of(config["STRIPE_JS_URL"])
    stripe_api = origin_of(config["STRIPE_API_BASE"])
    policy = {
        **_POLICY,
        "script-src": f"'self' {stripe_js}",
        "connect-src": f"'self' {stripe_api}",
        "frame-src": stripe_js,
        **{name.replace("_", "-"): value for name, value in directives.items()},
    }
    return "; ".join(f"{name} {value}" for name, value in policy.items())


# Browser features the shop does not use, switched off for its pages and anything they embed.
UNUSED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)


def permissions_policy() -> str:
    return ", ".join(f"{feature}=()" for feature in UNUSED_FEATURES)


def register_security_headers(app: Flask) -> None:
    policy = content_security_policy(app.config)
    app.session_interface = CookieOnDemandSessionInterface()

    defaults = [
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", permissions_policy()),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if app.config.get("HSTS_MAX_AGE") is not None:
        # Production only: behind its TLS proxy; a development server on http must not pin it.
        defaults.append(("Strict-Transport-Security", f"max-age={app.config['HSTS_MAX_AGE']}"))

    @app.after_request
    def _set_headers(response: Response) -> Response:
        headers = response.headers
        # A view that sets its own policy keeps it; the others get them all at once.
        if "Content-Security-Policy" in headers:
            for name, value in defaults:
                headers.setdefault(name, value)
        else:
            headers.extend(defaults)
        return response


class CookieOnDemandSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, without signing machinery for visitors who have none.

    Flask builds the cookie serializer (a key derivation) on every request before
    looking for the cookie; most catalogue visitors send none. Same cookies, same
    behaviour, less work per anonymous request.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
