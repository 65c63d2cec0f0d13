"""Where Debian's Chromium is, and how Playwright starts it here."""

from __future__ import annotations

import os
from pathlib import Path

# Without these Chromium keeps calling home on a closed network; as root it needs --no-sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def wanted_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def chromium_path() -> str | None:
    path = wanted_path()
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None
