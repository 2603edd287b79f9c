"""teaching classes: classes, the exercises a teacher sets, members, the teacher's comments

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-06 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('teaching_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('teacher', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teaching_class')),
    sa.UniqueConstraint('name', name=op.f('uq_teaching_class_name'))
    )
    op.create_table('teaching_exercise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(), nullable=False),
    sa.Column('transcripts', sa.JSON(), nullable=False),
    sa.Column('framework', sa.String(), nullable=False),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('reference', sa.String(), nullable=False),
    sa.Column('item', sa.String(), nullable=True),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('suggestions', sa.Boolean(), nullable=False),
    sa.Column('key', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['teaching_class.id'], name=op.f('fk_teaching_exercise_class_id_teaching_class'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teaching_exercise'))
    )
    with op.batch_alter_table('teaching_exercise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teaching_exercise_class_id'), ['class_id'], unique=False)
    op.create_table('teaching_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('student', sa.String(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['teaching_class.id'], name=op.f('fk_teaching_member_class_id_teaching_class'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teaching_member')),
    sa.UniqueConstraint('class_id', 'student', name=op.f('uq_teaching_member_class_id'))
    )
    with op.batch_alter_table('teaching_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teaching_member_class_id'), ['class_id'], unique=False)
    op.create_table('teaching_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('student', sa.String(), nullable=False),
    sa.Column('author', sa.String(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['teaching_exercise.id'],
                            name=op.f('fk_teaching_comment_exercise_id_teaching_exercise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teaching_comment'))
    )
    with op.batch_alter_table('teaching_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teaching_comment_exercise_id'), ['exercise_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('teaching_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teaching_comment_exercise_id'))
    op.drop_table('teaching_comment')
    with op.batch_alter_table('teaching_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teaching_member_class_id'))
    op.drop_table('teaching_member')
    with op.batch_alter_table('teaching_exercise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teaching_exercise_class_id'))
    op.drop_table('teaching_exercise')
    op.drop_table('teaching_class')
