"""team server: accounts, assignments, reveals, per-coder decisions; summary versions for conflict-safe saves

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-28 21:40:00
"""

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('password_hash', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_account_coder_id_coder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('coder_id', name=op.f('uq_account_coder_id')),
    sa.UniqueConstraint('name', name=op.f('uq_account_name'))
    )
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transcript_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by'], ['coder.id'], name=op.f('fk_assignment_assigned_by_coder')),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_assignment_coder_id_coder')),
    sa.ForeignKeyConstraint(['transcript_id'], ['transcript.id'], name=op.f('fk_assignment_transcript_id_transcript'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('transcript_id', 'coder_id', name=op.f('uq_assignment_transcript_id'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_transcript_id'), ['transcript_id'], unique=False)

    op.create_table('reveal',
    sa.Column('transcript_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revealed_by', sa.Integer(), nullable=True),
    sa.Column('revealed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revealed_by'], ['coder.id'], name=op.f('fk_reveal_revealed_by_coder')),
    sa.ForeignKeyConstraint(['transcript_id'], ['transcript.id'], name=op.f('fk_reveal_transcript_id_transcript'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('transcript_id', name=op.f('pk_reveal'))
    )
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

    # ADD COLUMN is native everywhere: never rebuild ``summary`` (with foreign keys on, dropping the old table would
    # delete the rows that reference it: its quotes and key elements)
    with op.batch_alter_table('summary', recreate='never') as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def _native_drop_column(bind) -> bool:
    if bind.dialect.name != "sqlite":
        return True
    dbapi = getattr(bind.dialect, "loaded_dbapi", None) or sqlite3
    return dbapi.sqlite_version_info >= (3, 35, 0)


def downgrade() -> None:
    bind = op.get_bind()
    native = _native_drop_column(bind)
    # an old SQLite rebuilds ``summary``; with foreign keys on that deletes what references it: keep and restore
    kept = {}
    if not native:
        for name in ("summary_quote", "key_element"):
            table = sa.Table(name, sa.MetaData(), autoload_with=bind)
            kept[name] = (table, [dict(r) for r in bind.execute(sa.select(table)).mappings()])
    with op.batch_alter_table('summary', recreate='never' if native else 'always') as batch_op:
        batch_op.drop_column('version')
    for name in ("key_element", "summary_quote"):  # owners first; put back only the rows that went
        if name in kept:
            table, rows = kept[name]
            pk = list(table.primary_key.columns) or list(table.columns)
            present = {tuple(r) for r in bind.execute(sa.select(*pk))}
            missing = [r for r in rows if tuple(r[c.name] for c in pk) not in present]
            if missing:
                bind.execute(table.insert(), missing)
    with op.batch_alter_table('team_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_decision_suggestion_id'))
        batch_op.drop_index(batch_op.f('ix_team_decision_coder_id'))
    op.drop_table('team_decision')
    op.drop_table('reveal')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_transcript_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_coder_id'))
    op.drop_table('assignment')
    op.drop_table('account')
