"""Which database schemas this code serves: its own migration head, or a later revision
whose migration declared that this code keeps working on it.

A rolling deploy migrates first and replaces the instances one by one afterwards, so
for a while the old code runs on the new schema. A migration that only adds (expand),
or removes only what the previous release stopped using (contract), says so in its
``upgrade()``::

    from shop.operations.schema import declare_compatible
    declare_compatible(revision, runs_code_from=down_revision)

The promise is stored in the database (``schema_compatibility``), where the old code
can read it: code whose head is ``runs_code_from``, or any later revision before this
one, stays ready. A migration that declares nothing takes the old instances out of
the balancer until they are replaced (shop.health).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from shop.operations.models import SchemaCompatibility


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the code's migration scripts: read once, they ship with the code."""
    return frozenset(ScriptDirectory(directory).get_heads())


@cache
def known_revisions(directory: str) -> frozenset[str]:
    """Every revision the code's migration scripts know: its heads and all before them."""
    return frozenset(script.revision for script in ScriptDirectory(directory).walk_revisions())


def current_revisions(connection: Connection) -> frozenset[str]:
    """The revisions the database's alembic_version table names; none without the table.

    Read here rather than through alembic's MigrationContext, which logs two lines
    at INFO each time: once per health check would drown the log.
    """
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.scalars(text("SELECT version_num FROM alembic_version")))


@dataclass(frozen=True)
class SchemaVerdict:
    ready: bool
    reason: str  # "ok", or why this code cannot serve the schema


def judge_schema(connection: Connection, directory: str) -> SchemaVerdict:
    """Whether code with the migrations in ``directory`` can serve the database's schema."""
    current = current_revisions(connection)
    heads = migration_heads(directory)
    if current == heads:
        return SchemaVerdict(True, "ok")
    if not current:
        return SchemaVerdict(False, "no schema: run flask db upgrade")
    known = known_revisions(directory)
    if current <= known:
        return SchemaVerdict(False, "schema is behind the code: run flask db upgrade")
    later = current - known
    declared = _declarations(connection, later)
    if all(declared.get(revision) in known for revision in later):
        return SchemaVerdict(True, "ok")
    return SchemaVerdict(
        False, "schema is at a later revision that does not declare this code compatible"
    )


def _declarations(connection: Connection, revisions: frozenset[str]) -> dict[str, str]:
    if not inspect(connection).has_table(SchemaCompatibility.__tablename__):
        return {}
    table = SchemaCompatibility.__table__
    rows = connection.execute(
        select(table.c.revision, table.c.runs_code_from).where(table.c.revision.in_(revisions))
    )
    return {revision: runs_code_from for revision, runs_code_from in rows}


_TABLE = sa.table(
    "schema_compatibility", sa.column("revision", sa.String), sa.column("runs_code_from", sa.String)
)


def declare_compatible(revision: str, *, runs_code_from: str) -> None:
    """In a migration's ``upgrade()``: code whose newest migration is ``runs_code_from``
    (or later) keeps working on the schema this revision leaves."""
    from alembic import op

    op.execute(_TABLE.delete().where(_TABLE.c.revision == revision))
    op.execute(_TABLE.insert().values(revision=revision, runs_code_from=runs_code_from))


def withdraw_compatible(revision: str) -> None:
    """In a migration's ``downgrade()``: take back its declaration."""
    from alembic import op

    op.execute(_TABLE.delete().where(_TABLE.c.revision == revision))
