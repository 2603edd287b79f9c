"""mapping edits that can be undone: map_undo (the rows each edit touched, before and after, as JSON)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-06 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('map_undo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('change', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_map_undo_framework_id_framework'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_map_undo'))
    )
    with op.batch_alter_table('map_undo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_map_undo_framework_id'), ['framework_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('map_undo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_map_undo_framework_id'))
    op.drop_table('map_undo')
