"""/livez, /readyz and /healthz: ready at the code's schema or at a later one that declared
this code compatible; Redis reported, never taking the instance out; draining."""

from __future__ import annotations

import shutil

from sqlalchemy import text

from shop import draining
from shop.config import ROOT
from shop.operations.schema import migration_heads
from tests.conftest import make_app
from tests.dbs import create_sqlite_file
from tests.mailserver import free_port
from tests.migration_cli import flask

# The code's one migration head, whatever it is called now.
(HEAD,) = migration_heads(str(ROOT / "migrations"))


def test_livez_answers_without_asking_the_database():
    client = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none").test_client()
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/readyz").status_code == 503


def test_readyz_and_healthz_answer_alike(client):
    for path in ("/readyz", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok", "database": "ok"}


def later_schema(session, revision: str, runs_code_from: str | None) -> None:
    session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    if runs_code_from:
        session.execute(
            text("INSERT INTO schema_compatibility (revision, runs_code_from) VALUES (:r, :c)"),
            {"r": revision, "c": runs_code_from},
        )
    session.commit()


def test_a_later_schema_that_declares_this_code_compatible_keeps_the_instance_ready(
    client, session
):
    assert HEAD in migration_heads(str(ROOT / "migrations"))
    later_schema(session, "9999_add_a_column", runs_code_from=HEAD)
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok"}


def test_a_declaration_from_an_earlier_revision_covers_this_code_too(client, session):
    later_schema(session, "9999_add_a_column", runs_code_from="0005_catalog_admin")
    assert client.get("/readyz").status_code == 200


def test_a_later_schema_without_a_declaration_takes_the_instance_out(client, session):
    later_schema(session, "0008_drop_a_column", runs_code_from=None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == (
        "schema is at a later revision that does not declare this code compatible"
    )


def test_a_declaration_only_for_newer_code_takes_the_instance_out(client, session):
    # 0009 runs only code from 0008 on, which this code (at 0007) is not.
    later_schema(session, "0009_contract", runs_code_from="0008_expand")
    assert client.get("/readyz").status_code == 503


def test_a_draining_instance_is_not_ready_but_alive(client, monkeypatch):
    monkeypatch.setattr(draining, "_FLAG", bytearray(1))
    draining.start_draining()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "draining", "database": "ok"}
    assert client.get("/livez").status_code == 200


def test_a_redis_that_does_not_answer_is_reported_degraded_without_taking_the_instance_out(
    app, database_url
):
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    limited = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=unreachable)
    try:
        response = limited.test_client().get("/readyz")
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok", "database": "ok", "redis": "degraded"}
    finally:
        make_app(database_url)  # the limiter is shared by every app: switched off again


def test_an_expand_migration_deployed_before_the_code_keeps_the_old_code_ready(tmp_path):
    """The rolling deploy of docs/operations.md: migrate with the new release's
    migrations, while the old code still serves from its own."""
    new_release = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", new_release)
    (new_release / "versions" / "0008_clinic_notes.py").write_text(
        EXPAND_MIGRATION.format(head=HEAD)
    )
    url = create_sqlite_file(tmp_path / "rolling.sqlite3")
    assert flask(url, "db", "upgrade").returncode == 0
    old_code = make_app(url).test_client()
    assert old_code.get("/readyz").status_code == 200
    upgraded = flask(url, "db", "upgrade", "--directory", str(new_release))
    assert upgraded.returncode == 0, upgraded.stderr
    assert old_code.get("/readyz").get_json() == {"status": "ok", "database": "ok"}
    # Downgraded again, the declaration goes with the column.
    back = flask(url, "db", "downgrade", HEAD, "--directory", str(new_release))
    assert back.returncode == 0, back.stderr
    assert old_code.get("/readyz").status_code == 200


EXPAND_MIGRATION = '''"""Clinic notes on users (expand only).

Revision ID: 0008_clinic_notes
Revises: {head}
"""
import sqlalchemy as sa
from alembic import op

from shop.operations.schema import declare_compatible, withdraw_compatible

revision = "0008_clinic_notes"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("clinic_notes", sa.Text(), nullable=True))
    declare_compatible(revision, runs_code_from=down_revision)


def downgrade():
    withdraw_compatible(revision)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("clinic_notes")
'''
