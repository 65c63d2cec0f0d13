"""One rule for every ``next`` field and return address: a page of this shop, or the default.

Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
``/\\t/evil.example`` or ``/\\evil.example`` would leave the site, and a newline would
break the ``Location`` header itself. Anything with a control character, a backslash,
a scheme or a host, or that does not start with a single ``/``, gives the default.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import has_request_context, request

from shop.guard import CONTROL_CHARACTERS


def is_local_path(target: str | None) -> bool:
    """Whether ``target`` is a path of this site, safe to redirect to as it is."""
    if not target or CONTROL_CHARACTERS.search(target) or "\\" in target:
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_return_url(target: str | None, default: str | None) -> str | None:
    """``target`` when it is a page of this site, else ``default``. A full address on this
    request's own origin (``http://shop.example/cart``, as a Referer gives) becomes its
    path."""
    if target and has_request_context() and target.startswith(request.host_url):
        target = "/" + target[len(request.host_url) :]
    return target if is_local_path(target) else default
