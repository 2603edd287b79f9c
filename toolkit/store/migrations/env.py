"""Alembic environment: runs against the engine handed over by ``toolkit.store.migrate``."""

from alembic import context

from toolkit.store.schema import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` command line (developers): a scratch database given by -x db=PATH
    from sqlalchemy import create_engine

    engine = create_engine("sqlite:///" + context.get_x_argument(as_dictionary=True).get("db", "scratch.fa"))

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # one upgrader at a time: a second process opening an old project waits, then finds it at head
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7261001)")
        context.run_migrations()
    connection.commit()
