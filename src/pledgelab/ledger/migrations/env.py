"""Alembic environment: run the ledger's migrations on the connection the caller passes.

The ledger never runs Alembic from the command line; :func:`pledgelab.ledger._store.migrate`
hands a connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from pledgelab.ledger._models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a stray `alembic` command
    raise RuntimeError("run the ledger migrations with `pledgelab ledger init` or Ledger.init()")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
