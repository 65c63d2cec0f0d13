"""The migrations also build SQLite's schema (the embedded default) with no drift."""

import sqlalchemy as sa

from tests.dbs import create_sqlite_file
from tests.migration_cli import flask


def test_upgrade_an_empty_sqlite_database_then_check_reports_no_drift(tmp_path):
    url = create_sqlite_file(tmp_path / "fresh.sqlite3")
    upgraded = flask(url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    check = flask(url, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_0004_makes_sqlite_refuse_to_rewrite_the_trail_and_its_downgrade_allows_it(tmp_path):
    url = create_sqlite_file(tmp_path / "guard.sqlite3")
    engine = sa.create_engine(url)

    def rewrite() -> list[str]:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_events (action, subject_type, subject_id, from_state,"
                    " to_state, reason, created_at) VALUES ('user.promote', 'user', 1, '', '',"
                    " 'kept', CURRENT_TIMESTAMP)"
                )
            )
        errors = []
        for statement in ("UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"):
            try:
                with engine.begin() as connection:
                    connection.execute(sa.text(statement))
            except sa.exc.DatabaseError as error:
                errors.append(str(error.orig))
        return errors

    try:
        assert flask(url, "db", "upgrade").returncode == 0
        assert (
            rewrite()
            == ["audit_events is append-only: an audit event cannot be changed or deleted"] * 2
        )
        assert flask(url, "db", "downgrade", "0003_orders").returncode == 0
        assert rewrite() == []
    finally:
        engine.dispose()
