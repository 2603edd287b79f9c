"""code tree: a code may have a parent code (same framework and category); a category keeps its colour

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-28 21:50:00

Existing projects keep every code directly under its category (parent_pk NULL), which is what they meant. The column
is added in place (ALTER TABLE ADD COLUMN): rebuilding ``code`` with foreign keys on would cascade-delete codings.
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('code', sa.Column('parent_pk', sa.Integer(), nullable=True))
    op.create_index('ix_code_parent_pk', 'code', ['parent_pk'], unique=False)
    op.add_column('category', sa.Column('color', sa.String(), nullable=True))


def downgrade() -> None:
    op.drop_index('ix_code_parent_pk', table_name='code')
    op.drop_column('code', 'parent_pk')
    op.drop_column('category', 'color')
