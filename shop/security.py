"""Response headers that every page gets: a strict Content-Security-Policy and friends."""

from __future__ import annotations

from flask import Flask, Response


def content_security_policy(extra_script_sources: list[str] | None = None) -> str:
    scripts = " ".join(["'self'", *(extra_script_sources or [])])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def register_security_headers(app: Flask) -> None:
    policy = content_security_policy(app.config.get("CSP_EXTRA_SCRIPT_SOURCES"))

    @app.after_request
    def _set_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        return response
