"""teaching work: each student's exercises of steps 1, 3, 4 and 5, kept apart from the researchers' analysis

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-28 22:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'teaching_work',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student', sa.String(), nullable=False),
        sa.Column('step', sa.String(), nullable=False),
        sa.Column('item', sa.String(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('n', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('student', 'step', 'item'),
    )
    with op.batch_alter_table('teaching_work', schema=None) as batch_op:
        batch_op.create_index('ix_teaching_work_student', ['student'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('teaching_work', schema=None) as batch_op:
        batch_op.drop_index('ix_teaching_work_student')
    op.drop_table('teaching_work')
