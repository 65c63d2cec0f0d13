"""``GET /healthz``: 200 when the database answers and its schema is at the migration head.

A database that answers with an older schema (a deploy that skipped
``flask db upgrade``), with none at all, or not at all, is reported as 503, so a
load balancer keeps this process out until it can serve pages.
"""

from __future__ import annotations

import logging
from functools import cache

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from shop.extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the migration scripts: read once per process, they ship with the code."""
    return frozenset(ScriptDirectory(directory).get_heads())


def current_revisions() -> frozenset[str]:
    """The revisions the database's alembic_version table names; none without the table.

    Read here rather than through alembic's MigrationContext, which logs two lines
    at INFO each time: once per health check would drown the log.
    """
    connection = db.session.connection()
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.scalars(text("SELECT version_num FROM alembic_version")))


def _answer(status: int, database: str):
    response = jsonify({"status": "ok" if status == 200 else "unavailable", "database": database})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    try:
        current = current_revisions()
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable: %s", exc.__class__.__name__)
        return _answer(503, "unreachable")
    finally:
        db.session.rollback()  # it only read; end the transaction it opened
    expected = migration_heads(current_app.extensions["migrate"].directory)
    if current != expected:
        log.warning(
            "health check: schema at %s, code expects %s; run flask db upgrade",
            sorted(current) or "nothing",
            sorted(expected),
        )
        return _answer(503, "schema is not at the migration head")
    return _answer(200, "ok")
