"""Operations: schema compatibility for rolling deploys, job schedules, worker heartbeats.

Revision ID: 0008_operations
Revises: 0007_shipping
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_operations'
down_revision = '0007_shipping'
branch_labels = None
depends_on = None

# Written out here rather than imported, so this migration stays as it was written.
_compatibility = sa.table(
    'schema_compatibility', sa.column('revision', sa.String), sa.column('runs_code_from', sa.String)
)


def upgrade():
    op.create_table('schema_compatibility',
    sa.Column('revision', sa.String(length=64), nullable=False),
    sa.Column('runs_code_from', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('revision', name=op.f('pk_schema_compatibility'))
    )
    op.create_table('job_schedules',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_started_by', sa.String(length=255), nullable=False),
    sa.Column('last_succeeded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_schedules'))
    )
    op.create_table('worker_heartbeats',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('hostname', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('current_job', sa.String(length=64), nullable=False),
    sa.Column('job_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_heartbeats'))
    )
    # Only adds tables the previous code never reads: it keeps running on this schema.
    op.execute(_compatibility.insert().values(revision=revision, runs_code_from=down_revision))


def downgrade():
    op.drop_table('worker_heartbeats')
    op.drop_table('job_schedules')
    op.drop_table('schema_compatibility')
