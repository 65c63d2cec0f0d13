"""Invoice and credit note PDFs rendered after the payment, and mail attachments made
as their mail is sent.

An invoice or a credit note is issued with its number and figures and no PDF yet; the
PDF, its size and its SHA-256 are filled in together, once, when it is first wanted
(the mail that carries it, or a download). A mail attachment holds its bytes, or names
the document they are made from (source, source_id). Old code would serve an empty
PDF and fail to send such a mail, so nothing is declared compatible. A downgrade needs
every document rendered and every such mail sent first: it refuses otherwise.

Revision ID: 0013_deferred_pdfs
Revises: 0012_sessions_totp
Create Date: 2026-12-07 10:08:55.646449

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_deferred_pdfs'
down_revision = '0012_sessions_totp'
branch_labels = None
depends_on = None

PDF_ALL_OR_NOTHING = "(pdf IS NULL) = (size_bytes IS NULL) AND (pdf IS NULL) = (sha256 IS NULL)"


def upgrade():
    for table in ('credit_notes', 'invoices'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('size_bytes', existing_type=sa.Integer(), nullable=True)
            batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=True)
            batch_op.alter_column('pdf', existing_type=sa.LargeBinary(), nullable=True)
            batch_op.create_check_constraint(
                op.f(f'ck_{table}_pdf_all_or_nothing'), PDF_ALL_OR_NOTHING
            )

    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_outbox_attachments_data_or_source'), '(data IS NULL) != (source_id IS NULL)'
        )


def downgrade():
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_attachments_data_or_source'), type_='check')
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('source_id')
        batch_op.drop_column('source')

    for table in ('invoices', 'credit_notes'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_pdf_all_or_nothing'), type_='check')
            batch_op.alter_column('pdf', existing_type=sa.LargeBinary(), nullable=False)
            batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
            batch_op.alter_column('size_bytes', existing_type=sa.Integer(), nullable=False)
