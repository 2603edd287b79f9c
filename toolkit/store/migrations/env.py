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
        context.run_migrations()
    connection.commit()
