"""The migrations build PostgreSQL's schema from nothing, with no drift from the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.migration_cli import flask

pytestmark = pytest.mark.postgres


def test_upgrade_an_empty_database_then_check_reports_no_drift(empty_postgres):
    upgraded = flask(empty_postgres, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    check = flask(empty_postgres, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr

    engine = sa.create_engine(empty_postgres)
    with engine.connect() as connection:
        indexes = set(
            connection.scalars(
                sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'products'")
            )
        )
        state = connection.execute(sa.text("SELECT id, length(token) FROM catalog_state")).all()
    engine.dispose()
    assert "ix_products_search_text_trgm" in indexes  # free-text search is indexed here
    assert state == [(1, 32)]


def test_downgrade_to_nothing_and_up_again(empty_postgres):
    assert flask(empty_postgres, "db", "upgrade").returncode == 0
    down = flask(empty_postgres, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    engine = sa.create_engine(empty_postgres)
    with engine.connect() as connection:
        tables = set(
            connection.scalars(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
        )
    engine.dispose()
    assert tables <= {"alembic_version"}
    again = flask(empty_postgres, "db", "upgrade")
    assert again.returncode == 0, again.stderr


def _try_to_rewrite_the_trail(engine) -> list[str]:
    """Insert one audit event, then try UPDATE, DELETE and TRUNCATE: the errors, in order."""
    errors = []
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_events (action, subject_type, subject_id, from_state,"
                " to_state, reason, created_at) VALUES ('user.promote', 'user', 1, 'customer',"
                " 'admin', 'kept', now())"
            )
        )
    for statement in (
        "UPDATE audit_events SET reason = 'rewritten'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ):
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(statement))
        except sa.exc.DatabaseError as error:
            errors.append(str(error.orig).splitlines()[0])
    return errors


def test_0004_makes_the_database_refuse_to_rewrite_the_trail_and_its_downgrade_allows_it(
    empty_postgres,
):
    assert flask(empty_postgres, "db", "upgrade").returncode == 0
    engine = sa.create_engine(empty_postgres)
    try:
        errors = _try_to_rewrite_the_trail(engine)
        assert len(errors) == 3, errors
        assert all("audit_events is append-only" in error for error in errors)
        assert [error.rsplit("(", 1)[1] for error in errors] == [
            "UPDATE refused)",
            "DELETE refused)",
            "TRUNCATE refused)",
        ]
        down = flask(empty_postgres, "db", "downgrade", "0003_orders")
        assert down.returncode == 0, down.stderr
        assert _try_to_rewrite_the_trail(engine) == []
        with engine.connect() as connection:
            functions = connection.scalar(
                sa.text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_events_refuse_change'")
            )
        assert functions == 0
        assert flask(empty_postgres, "db", "upgrade").returncode == 0
        assert len(_try_to_rewrite_the_trail(engine)) == 3
    finally:
        engine.dispose()
