"""Where rate limits are counted, and what happens when that place fails.

Counters live in this process's memory by default, or in a storage all instances
share (``RATELIMIT_STORAGE_URI``, Redis). Every call to Redis is bounded by
``REDIS_TIMEOUT``. When Redis fails or hangs, Flask-Limiter's in-memory fallback
counts in this process until Redis answers again (it checks now and then, backing
off), so pages and the API keep serving under the same limits, counted per process.
Meanwhile a warning is logged once a minute and ``/readyz`` reports Redis as degraded.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, current_app

from shop import metrics
from shop.extensions import limiter

log = logging.getLogger(__name__)

WARNING_INTERVAL = 60.0  # seconds between two "still counting in memory" warnings
_last_warning = [0.0]  # monotonic time of this process's last warning
_in_memory = [False]  # whether this process counted in memory at its last response


def uses_shared_storage(config: dict) -> bool:
    return not str(config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://")


def configure_storage(app: Flask) -> None:
    """Bound every call to Redis by REDIS_TIMEOUT (before the limiter is bound to the app)."""
    if uses_shared_storage(app.config):
        timeout = app.config["REDIS_TIMEOUT"]
        options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            **options,
            **(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}),
        }


def register_fallback_warning(app: Flask) -> None:
    """Say in the log, once a minute per process, while limits are counted in memory."""
    if not (uses_shared_storage(app.config) and app.config.get("RATELIMIT_ENABLED", True)):
        return

    @app.after_request
    def _warn_while_in_memory(response: Response) -> Response:
        in_memory = counting_in_memory()
        if in_memory != _in_memory[0]:
            _in_memory[0] = in_memory
            metrics.RATE_LIMIT_FALLBACK.set(1 if in_memory else 0)
            if not in_memory:
                log.warning("rate limits: the shared storage answers again; counting there")
                _last_warning[0] = 0.0
        if in_memory and time.monotonic() - _last_warning[0] >= WARNING_INTERVAL:
            _last_warning[0] = time.monotonic()
            log.warning(
                "rate limits: the shared storage (RATELIMIT_STORAGE_URI) is unreachable;"
                " counting in this process's memory until it answers"
            )
        return response


def counting_in_memory() -> bool:
    """Whether the limiter has fallen back from its shared storage to this process's memory."""
    # Flask-Limiter's public `limiter` is the fallback's strategy while its storage is dead.
    return limiter.enabled and limiter.limiter.storage is not limiter.storage


def shared_storage_state() -> str | None:
    """ "ok" or "degraded" for the shared rate-limit storage; None when there is none."""
    config = current_app.config
    if not (uses_shared_storage(config) and config.get("RATELIMIT_ENABLED", True)):
        return None
    return "ok" if limiter.storage.check() else "degraded"
