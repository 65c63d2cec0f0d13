"""Product pictures: media files kept by content hash, the catalogue's picture library,
and each product's pictures in order with their alt text.

Revision ID: 0010_product_images
Revises: 0009_courses
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_product_images'
down_revision = '0009_courses'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media_files',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_media_files'))
    )
    op.create_table('catalog_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('renditions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_images')),
    sa.UniqueConstraint('filename', name=op.f('uq_catalog_images_filename')),
    sa.UniqueConstraint('source_sha256', name=op.f('uq_catalog_images_source_sha256'))
    )
    op.create_table('product_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('alt_text', sa.String(length=250), nullable=False),
    sa.ForeignKeyConstraint(['image_id'], ['catalog_images.id'], name=op.f('fk_product_images_image_id_catalog_images'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_images_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_images')),
    sa.UniqueConstraint('product_id', 'image_id', name=op.f('uq_product_images_product_id_image_id'))
    )
    with op.batch_alter_table('product_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_images_image_id'), ['image_id'], unique=False)
        batch_op.create_index('ix_product_images_product_position', ['product_id', 'position'], unique=False)


def downgrade():
    with op.batch_alter_table('product_images', schema=None) as batch_op:
        batch_op.drop_index('ix_product_images_product_position')
        batch_op.drop_index(batch_op.f('ix_product_images_image_id'))
    op.drop_table('product_images')
    op.drop_table('catalog_images')
    op.drop_table('media_files')
