"""The migrations also build SQLite's schema (the embedded default) with no drift."""

from tests.dbs import create_sqlite_file
from tests.migration_cli import flask


def test_upgrade_an_empty_sqlite_database_then_check_reports_no_drift(tmp_path):
    url = create_sqlite_file(tmp_path / "fresh.sqlite3")
    upgraded = flask(url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    check = flask(url, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
