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
