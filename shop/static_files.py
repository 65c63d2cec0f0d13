"""Static files at URLs that change with their content, so a proxy and browsers may keep
them for a year.

``url_for("static", ...)`` and ``url_for("bootstrap.static", ...)`` add ``?v=`` and the
start of the file's SHA-256: a deploy that changes a file changes its URL, and pages
ask for the new one. nginx serves both folders from disk with ``Cache-Control: public,
max-age=31536000, immutable`` (deploy/nginx/shop.conf). The development server, which
reloads files as they are edited, gets plain URLs.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask

VERSION_LENGTH = 12  # hex digits of the SHA-256


@cache
def file_version(folder: str, filename: str) -> str | None:
    """The start of the file's SHA-256, or None when there is no such file in the folder."""
    root = Path(folder).resolve()
    path = (root / filename).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_LENGTH]


def register_static_versions(app: Flask) -> None:
    if app.debug:
        return
    folders = {"static": app.static_folder}
    bootstrap = app.blueprints.get("bootstrap")
    if bootstrap is not None and bootstrap.static_folder:
        folders["bootstrap.static"] = bootstrap.static_folder

    @app.url_defaults
    def _add_version(endpoint: str, values: dict[str, Any]) -> None:
        folder = folders.get(endpoint)
        if folder and "filename" in values and "v" not in values:
            version = file_version(folder, values["filename"])
            if version:
                values["v"] = version
