"""framework editor: named framework versions, code lineage (merges, splits) and the codings that followed

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0006'  # the head before this one (0005 -> 0007 -> 0006)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('framework_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_framework_version_framework_id_framework'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_version')),
    sa.UniqueConstraint('framework_id', 'name', name=op.f('uq_framework_version_framework_id'))
    )
    with op.batch_alter_table('framework_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_version_framework_id'), ['framework_id'], unique=False)
    op.create_table('code_lineage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('from_code', sa.String(), nullable=False),
    sa.Column('from_pk', sa.Integer(), nullable=False),
    sa.Column('to_code', sa.String(), nullable=False),
    sa.Column('to_pk', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_code_lineage_framework_id_framework'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_lineage'))
    )
    with op.batch_alter_table('code_lineage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_lineage_framework_id'), ['framework_id'], unique=False)
    op.create_table('coding_move',
    sa.Column('coding_id', sa.Integer(), nullable=False),
    sa.Column('lineage_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coding_id'], ['coding.id'], name=op.f('fk_coding_move_coding_id_coding'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lineage_id'], ['code_lineage.id'], name=op.f('fk_coding_move_lineage_id_code_lineage'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coding_id', 'lineage_id', name=op.f('pk_coding_move'))
    )
    with op.batch_alter_table('coding_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coding_move_lineage_id'), ['lineage_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('coding_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coding_move_lineage_id'))
    op.drop_table('coding_move')
    with op.batch_alter_table('code_lineage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_lineage_framework_id'))
    op.drop_table('code_lineage')
    with op.batch_alter_table('framework_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_version_framework_id'))
    op.drop_table('framework_version')
