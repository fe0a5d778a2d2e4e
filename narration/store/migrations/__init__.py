"""Alembic migrations of the database's schema (see ``narration.store.database``)."""
