"""The database itself refuses to change or delete audit events (append-only trail).

On PostgreSQL a trigger calls a plpgsql function that raises, for UPDATE, DELETE
and TRUNCATE alike; on SQLite two triggers RAISE(ABORT). The ORM refuses too
(shop.audit.models); this holds against raw SQL and other programs as well.

Revision ID: 0004_audit_guard
Revises: 0003_orders
Create Date: 2026-11-25 18:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004_audit_guard'
down_revision = '0003_orders'
branch_labels = None
depends_on = None

MESSAGE = "audit_events is append-only: an audit event cannot be changed or deleted"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP
                    USING ERRCODE = 'restrict_violation';
            END;
            $$
        """)
        op.execute("""
            CREATE TRIGGER audit_events_append_only
            BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()
        """)
        op.execute("""
            CREATE TRIGGER audit_events_no_truncate
            BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()
        """)
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER audit_events_no_{operation.lower()}
                BEFORE {operation} ON audit_events
                BEGIN
                    SELECT RAISE(ABORT, '{MESSAGE}');
                END
            """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_refuse_change()")
    else:
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute("DROP TRIGGER audit_events_no_update")
