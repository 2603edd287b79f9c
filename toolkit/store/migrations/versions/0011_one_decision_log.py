"""one decision log: the team's per-coder decisions move into ``decision`` (``team_decision`` goes); accounts get a
credential version (open sessions end when it changes); login throttling per name and client; teaching transcripts

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _move_team_decisions(bind) -> None:
    """Every ``team_decision`` row becomes the ``decision`` row the app writes for the same choice (an accept with its
    coding, or a reject), with the suggestion's framework, passage, code and span."""
    md = sa.MetaData()
    td = sa.Table('team_decision', md, autoload_with=bind)
    sug = sa.Table('suggestion', md, autoload_with=bind)
    pas = sa.Table('passage', md, autoload_with=bind)
    dec = sa.table('decision', sa.column('framework_id', sa.String), sa.column('transcript_id', sa.Integer),
                   sa.column('start', sa.Integer), sa.column('end', sa.Integer), sa.column('passage_id', sa.Integer),
                   sa.column('code_pk', sa.Integer), sa.column('suggestion_id', sa.Integer),
                   sa.column('kind', sa.String), sa.column('coder_id', sa.Integer), sa.column('at', sa.DateTime),
                   sa.column('coding_ids', sa.JSON), sa.column('note', sa.JSON))
    q = (sa.select(td.c.suggestion_id, td.c.coder_id, td.c.status, td.c.coding_id, td.c.decided_at,
                   sug.c.framework_id, sug.c.passage_id, sug.c.code_pk, pas.c.transcript_id, pas.c.start, pas.c.end)
         .join(sug, sug.c.id == td.c.suggestion_id).join(pas, pas.c.id == sug.c.passage_id).order_by(td.c.id))
    rows = [{"framework_id": r.framework_id, "transcript_id": r.transcript_id, "start": r.start, "end": r.end,
             "passage_id": r.passage_id, "code_pk": r.code_pk, "suggestion_id": r.suggestion_id,
             "kind": "accept" if r.status == "accepted" else "reject", "coder_id": r.coder_id, "at": r.decided_at,
             "coding_ids": [int(r.coding_id)] if r.coding_id is not None else [], "note": {"from": "team_decision"}}
            for r in bind.execute(q)]
    if rows:
        bind.execute(dec.insert(), rows)


def upgrade() -> None:
    bind = op.get_bind()
    _move_team_decisions(bind)
    with op.batch_alter_table('team_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_decision_suggestion_id'))
        batch_op.drop_index(batch_op.f('ix_team_decision_coder_id'))
    op.drop_table('team_decision')
    with op.batch_alter_table('account', recreate='never') as batch_op:
        batch_op.add_column(sa.Column('credential_version', sa.Integer(), server_default='0', nullable=False))
    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('client', sa.String(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('name', 'client', name=op.f('uq_login_throttle_name'))
    )
    op.create_table('teaching_transcript',
    sa.Column('transcript_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('marked_by', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['marked_by'], ['coder.id'], name=op.f('fk_teaching_transcript_marked_by_coder')),
    sa.ForeignKeyConstraint(['transcript_id'], ['transcript.id'],
                            name=op.f('fk_teaching_transcript_transcript_id_transcript'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('transcript_id', name=op.f('pk_teaching_transcript'))
    )


def downgrade() -> None:
    op.drop_table('teaching_transcript')
    op.drop_table('login_throttle')
    with op.batch_alter_table('account', recreate='auto') as batch_op:
        batch_op.drop_column('credential_version')
    op.create_table('team_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('coding_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_team_decision_coder_id_coder')),
    sa.ForeignKeyConstraint(['coding_id'], ['coding.id'], name=op.f('fk_team_decision_coding_id_coding'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id'], name=op.f('fk_team_decision_suggestion_id_suggestion'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_decision')),
    sa.UniqueConstraint('suggestion_id', 'coder_id', name=op.f('uq_team_decision_suggestion_id'))
    )
    with op.batch_alter_table('team_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_decision_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_decision_suggestion_id'), ['suggestion_id'], unique=False)
