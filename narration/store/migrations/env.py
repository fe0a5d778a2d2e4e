"""Alembic's environment: migrations run on the connection ``Database.migrate`` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from narration.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Workers started together on a fresh database take turns.
        connection.execute(text("SELECT pg_advisory_xact_lock(4227063)"))
    context.run_migrations()
