"""What balancers and monitoring ask: ``/livez``, ``/readyz`` (and ``/healthz``), ``/metrics``.

- ``GET /livez``: 200 while the process can answer at all; it reads nothing.
- ``GET /readyz``: 200 when this instance should get traffic: the database answers
  at a schema this code serves (its migration head, or a later revision that declared
  it compatible: shop.operations.schema) and the instance is not draining. Redis, when
  configured, is checked too; when it fails the answer stays 200 with ``"redis":
  "degraded"`` (rate limits then count in memory), since every instance would be
  taken out alike. 503 otherwise, so the balancer stops sending requests here.
- ``GET /healthz``: the readiness check under its old name, for existing balancers.
- ``GET /metrics``: Prometheus metrics (shop.metrics), only for a request carrying
  ``Authorization: Bearer <METRICS_TOKEN>``; without a token configured it does not exist.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from shop import draining, metrics, rate_limits
from shop.extensions import db
from shop.operations.schema import judge_schema

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def _answer(status: int, body: dict):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/livez")
def livez():
    return _answer(200, {"status": "ok"})


@bp.get("/readyz")
@bp.get("/healthz")
def readyz():
    body: dict[str, str] = {"status": "ok", "database": _database_state()}
    redis = rate_limits.shared_storage_state()
    if redis is not None:
        body["redis"] = redis
    if draining.is_draining():
        body["status"] = "draining"
    elif body["database"] != "ok":
        body["status"] = "unavailable"
    return _answer(200 if body["status"] == "ok" else 503, body)


def _database_state() -> str:
    try:
        verdict = judge_schema(db.session.connection(), current_app.extensions["migrate"].directory)
    except SQLAlchemyError as exc:
        log.warning("readiness: database unavailable: %s", exc.__class__.__name__)
        return "unreachable"
    finally:
        db.session.rollback()  # it only read; end the transaction it opened
    if not verdict.ready:
        log.warning("readiness: %s", verdict.reason)
    return verdict.reason


@bp.get("/metrics")
def prometheus_metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        response = _answer(
            401, {"error": {"code": "unauthorized", "message": "Bearer token required."}}
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = metrics.exposition()
    response.headers["Cache-Control"] = "no-store"
    return response
