"""Alembic migrations of the database's schema (see ``narration.database``)."""
