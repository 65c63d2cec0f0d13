"""A low-stock threshold per product, for the back office's low-stock report.

Revision ID: 0006_stock_threshold
Revises: 0005_catalog_admin
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_stock_threshold'
down_revision = '0005_catalog_admin'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('low_stock_threshold', sa.Integer(), server_default='10', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_products_low_stock_threshold_not_negative'), 'low_stock_threshold >= 0')


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_products_low_stock_threshold_not_negative'), type_='check')
        batch_op.drop_column('low_stock_threshold')
