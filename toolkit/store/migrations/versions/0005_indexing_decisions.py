"""indexing decisions: every accept, reject, add, remove, no-code, bulk and consensus, for history and undo

Revision ID: 0005
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('framework_id', sa.String(), nullable=False),
        sa.Column('transcript_id', sa.Integer(), nullable=True),
        sa.Column('start', sa.Integer(), nullable=True),
        sa.Column('end', sa.Integer(), nullable=True),
        sa.Column('passage_id', sa.Integer(), nullable=True),
        sa.Column('code_pk', sa.Integer(), nullable=True),
        sa.Column('suggestion_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('coder_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('coding_ids', sa.JSON(), nullable=False),
        sa.Column('batch', sa.String(), nullable=True),
        sa.Column('note', sa.JSON(), nullable=True),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.Column('undone_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_decision_framework_id_framework'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['transcript_id'], ['transcript.id'],
                                name=op.f('fk_decision_transcript_id_transcript'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['passage_id'], ['passage.id'], name=op.f('fk_decision_passage_id_passage'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['code_pk'], ['code.pk'], name=op.f('fk_decision_code_pk_code'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id'],
                                name=op.f('fk_decision_suggestion_id_suggestion'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_decision_coder_id_coder')),
        sa.ForeignKeyConstraint(['undone_by'], ['coder.id'], name=op.f('fk_decision_undone_by_coder')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index('ix_decision_framework_transcript', ['framework_id', 'transcript_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_passage_id'), ['passage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_batch'), ['batch'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_batch'))
        batch_op.drop_index(batch_op.f('ix_decision_coder_id'))
        batch_op.drop_index(batch_op.f('ix_decision_passage_id'))
        batch_op.drop_index('ix_decision_framework_transcript')
    op.drop_table('decision')
