"""findings judged by researchers (finding, finding_judgement, finding_judgement_quote); the evidence a summary
rests on (summary_evidence)

Revision ID: 0010
Revises: 0012
Create Date: 2026-12-06 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.String(), nullable=False),
    sa.Column('level', sa.String(), nullable=False),
    sa.Column('theme_id', sa.String(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['coder.id'], name=op.f('fk_finding_created_by_coder')),
    sa.ForeignKeyConstraint(['framework_id'], ['framework.id'], name=op.f('fk_finding_framework_id_framework'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding')),
    sa.UniqueConstraint('framework_id', 'level', 'theme_id', 'statement', name=op.f('uq_finding_framework_id'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_framework_id'), ['framework_id'], unique=False)

    op.create_table('finding_judgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(), nullable=False),
    sa.Column('verdict', sa.String(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('judged_by', sa.Integer(), nullable=False),
    sa.Column('judged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_finding_judgement_finding_id_finding'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judged_by'], ['coder.id'], name=op.f('fk_finding_judgement_judged_by_coder')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                            name=op.f('fk_finding_judgement_participant_id_participant'), onupdate='CASCADE',
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_judgement')),
    sa.UniqueConstraint('finding_id', 'participant_id', name=op.f('uq_finding_judgement_finding_id'))
    )
    with op.batch_alter_table('finding_judgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_judgement_finding_id'), ['finding_id'], unique=False)

    op.create_table('finding_judgement_quote',
    sa.Column('judgement_id', sa.Integer(), nullable=False),
    sa.Column('coding_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coding_id'], ['coding.id'], name=op.f('fk_finding_judgement_quote_coding_id_coding'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judgement_id'], ['finding_judgement.id'],
                            name=op.f('fk_finding_judgement_quote_judgement_id_finding_judgement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('judgement_id', 'coding_id', name=op.f('pk_finding_judgement_quote'))
    )
    with op.batch_alter_table('finding_judgement_quote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_judgement_quote_coding_id'), ['coding_id'], unique=False)

    op.create_table('summary_evidence',
    sa.Column('summary_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('fingerprint', sa.String(), nullable=False),
    sa.Column('codings', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['summary_id'], ['summary.id'], name=op.f('fk_summary_evidence_summary_id_summary'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('summary_id', name=op.f('pk_summary_evidence'))
    )


def downgrade() -> None:
    op.drop_table('summary_evidence')
    with op.batch_alter_table('finding_judgement_quote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_judgement_quote_coding_id'))
    op.drop_table('finding_judgement_quote')
    with op.batch_alter_table('finding_judgement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_judgement_finding_id'))
    op.drop_table('finding_judgement')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_framework_id'))
    op.drop_table('finding')
