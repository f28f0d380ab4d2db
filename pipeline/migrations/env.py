"""Alembic environment for the denials store.

Run programmatically by ``pipeline.store.migrate`` (which passes an open
connection in ``config.attributes["connection"]``), or by the ``alembic`` CLI
with ``DENIALS_DATABASE_URL`` set.
"""

from __future__ import annotations

import logging

from alembic import context

from pipeline.store import Base, default_url, make_engine

log = logging.getLogger(__name__)
config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=default_url(), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        context.run_migrations()  # the caller owns the transaction
        return
    engine = make_engine(default_url())
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          render_as_batch=True)
        context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
