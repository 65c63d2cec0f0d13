"""Catalogue (brands, ingredients, indications, products and their links) and stock lots.

Revision ID: 0001_catalogue
Revises:
Create Date: 2026-11-25

"""
from datetime import datetime, timezone
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0001_catalogue'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        # Trigrams make free-text search (LIKE '%word%') use an index; pg_trgm is a
        # trusted extension, so the database owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')

    op.create_table('brands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_brands')),
    sa.UniqueConstraint('slug', name=op.f('uq_brands_slug'))
    )
    op.create_table('catalog_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_state'))
    )
    op.create_table('indications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('area', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indications')),
    sa.UniqueConstraint('slug', name=op.f('uq_indications_slug'))
    )
    with op.batch_alter_table('indications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indications_area'), ['area'], unique=False)

    op.create_table('ingredients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingredients')),
    sa.UniqueConstraint('slug', name=op.f('uq_ingredients_slug'))
    )
    with op.batch_alter_table('ingredients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ingredients_kind'), ['kind'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=32), nullable=False),
    sa.Column('volume_ml', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('units_per_pack', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contraindications', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('search_name', sa.Text(), nullable=False),
    sa.Column('search_keywords', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_products_currency_iso_code')),
    sa.CheckConstraint('price_cents >= 0', name=op.f('ck_products_price_not_negative')),
    sa.CheckConstraint('units_per_pack >= 1', name=op.f('ck_products_units_per_pack_positive')),
    sa.CheckConstraint('volume_ml > 0', name=op.f('ck_products_volume_positive')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_products_brand_id_brands'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('sku', name=op.f('uq_products_sku')),
    sa.UniqueConstraint('slug', name=op.f('uq_products_slug'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_active_created', ['is_active', 'created_at'], unique=False)
        batch_op.create_index('ix_products_active_brand', ['is_active', 'brand_id', 'id'], unique=False)
        batch_op.create_index('ix_products_active_name', ['is_active', 'name'], unique=False)
        batch_op.create_index('ix_products_active_price', ['is_active', 'price_cents'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_brand_id'), ['brand_id'], unique=False)

    op.create_table('product_indications',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('indication_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indication_id'], ['indications.id'], name=op.f('fk_product_indications_indication_id_indications'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_indications_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'indication_id', name=op.f('pk_product_indications'))
    )
    with op.batch_alter_table('product_indications', schema=None) as batch_op:
        batch_op.create_index('ix_product_indications_indication_product', ['indication_id', 'product_id'], unique=False)

    op.create_table('product_ingredients',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('ingredient_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('concentration_value', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('concentration_unit', sa.String(length=8), nullable=True),
    sa.CheckConstraint('(concentration_value IS NULL) = (concentration_unit IS NULL)', name=op.f('ck_product_ingredients_concentration_value_with_unit')),
    sa.CheckConstraint('concentration_value IS NULL OR concentration_value > 0', name=op.f('ck_product_ingredients_concentration_positive')),
    sa.ForeignKeyConstraint(['ingredient_id'], ['ingredients.id'], name=op.f('fk_product_ingredients_ingredient_id_ingredients'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_ingredients_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'ingredient_id', name=op.f('pk_product_ingredients'))
    )
    with op.batch_alter_table('product_ingredients', schema=None) as batch_op:
        batch_op.create_index('ix_product_ingredients_ingredient_product', ['ingredient_id', 'product_id'], unique=False)

    op.create_table('product_professions',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('profession', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_professions_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'profession', name=op.f('pk_product_professions'))
    )
    with op.batch_alter_table('product_professions', schema=None) as batch_op:
        batch_op.create_index('ix_product_professions_profession_product', ['profession', 'product_id'], unique=False)

    op.create_table('stock_lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('lot_number', sa.String(length=40), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('quantity_on_hand', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity_on_hand >= 0', name=op.f('ck_stock_lots_on_hand_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_lots_product_id_products'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_lots')),
    sa.UniqueConstraint('product_id', 'lot_number', name=op.f('uq_stock_lots_product_id_lot_number'))
    )
    with op.batch_alter_table('stock_lots', schema=None) as batch_op:
        batch_op.create_index('ix_stock_lots_product_expiry', ['product_id', 'expires_on'], unique=False)

    op.create_table('stock_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('on_hand_after', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_stock_movements_quantity_not_zero')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lots.id'], name=op.f('fk_stock_movements_lot_id_stock_lots'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements'))
    )
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_movements_lot_id'), ['lot_id'], unique=False)

    if postgresql:
        op.create_index(
            'ix_products_search_text_trgm', 'products', ['search_text'],
            postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'},
        )

    # The single row whose token changes with every catalogue change (cache keys carry it).
    catalog_state = sa.table(
        'catalog_state',
        sa.column('id', sa.Integer), sa.column('token', sa.String), sa.column('changed_at', sa.DateTime(timezone=True)),
    )
    op.bulk_insert(catalog_state, [{'id': 1, 'token': uuid.uuid4().hex, 'changed_at': datetime.now(timezone.utc)}])


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_products_search_text_trgm', table_name='products')
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_movements_lot_id'))

    op.drop_table('stock_movements')
    with op.batch_alter_table('stock_lots', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_lots_product_expiry')

    op.drop_table('stock_lots')
    with op.batch_alter_table('product_professions', schema=None) as batch_op:
        batch_op.drop_index('ix_product_professions_profession_product')

    op.drop_table('product_professions')
    with op.batch_alter_table('product_ingredients', schema=None) as batch_op:
        batch_op.drop_index('ix_product_ingredients_ingredient_product')

    op.drop_table('product_ingredients')
    with op.batch_alter_table('product_indications', schema=None) as batch_op:
        batch_op.drop_index('ix_product_indications_indication_product')

    op.drop_table('product_indications')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_brand_id'))
        batch_op.drop_index('ix_products_active_price')
        batch_op.drop_index('ix_products_active_name')
        batch_op.drop_index('ix_products_active_brand')
        batch_op.drop_index('ix_products_active_created')

    op.drop_table('products')
    with op.batch_alter_table('ingredients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ingredients_kind'))

    op.drop_table('ingredients')
    with op.batch_alter_table('indications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indications_area'))

    op.drop_table('indications')
    op.drop_table('catalog_state')
    op.drop_table('brands')
