"""Tables for the sources a show follows (feeds and sitemaps) and the entries seen in them.

An entry is seen once per source: the unique key on (source, entry key) is what lets
two workers polling the same source queue its article once.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("show", sa.String(64), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(64)),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("next_poll_at", _TZ, nullable=False),
        sa.Column("last_poll_at", _TZ),
        sa.Column("last_result", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("hub", sa.Text),
        sa.Column("websub_secret", sa.String(64)),
        sa.Column("websub_state", sa.String(16)),
        sa.Column("websub_expires_at", _TZ),
        sa.Column("created_at", _TZ, nullable=False),
        sa.UniqueConstraint("show", "url", name="uq_sources_show_url"),
    )
    op.create_index("ix_sources_next_poll", "sources", ["next_poll_at"])
    op.create_table(
        "source_entries",
        sa.Column("source_id", sa.String(32), nullable=False),
        sa.Column("entry_key", sa.Text, nullable=False),
        sa.Column("article_key", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("job_id", sa.String(32)),
        sa.Column("error", sa.Text),
        sa.Column("first_seen_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.UniqueConstraint("source_id", "entry_key", name="uq_source_entries_key"),
    )


def downgrade() -> None:
    op.drop_table("source_entries")
    op.drop_index("ix_sources_next_poll", table_name="sources")
    op.drop_table("sources")
