"""The schema as it stands: episodes, jobs, retired files, feed tokens.

A database made before migrations existed (its tables created at start-up) is brought to
the same schema: missing tables and indexes are created, and the columns added since
(all nullable) are added.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_meta = sa.MetaData()
_TZ = sa.DateTime(timezone=True)

sa.Table(
    "episodes",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("guid", sa.String(64), nullable=False, unique=True),
    sa.Column("show", sa.String(64), nullable=False),
    sa.Column("article_key", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("author", sa.Text),
    sa.Column("published", _TZ, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("link", sa.Text),
    sa.Column("image_name", sa.Text),
    sa.Column("audio_name", sa.Text, nullable=False),
    sa.Column("transcript_name", sa.Text, nullable=False),
    sa.Column("chapters_name", sa.Text, nullable=False),
    sa.Column("peaks_name", sa.Text),
    sa.Column("owner", sa.String(64)),
    sa.Column("bytes", sa.Integer, nullable=False),
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("chapters", sa.Text, nullable=False),
    sa.Column("created_at", _TZ, nullable=False),
    sa.Column("updated_at", _TZ, nullable=False),
    sa.UniqueConstraint("show", "article_key", name="uq_show_article"),
    sa.Index("ix_episodes_show_published", "show", "published", "guid"),
    sa.Index("ix_episodes_show_content", "show", "content_hash"),
)
sa.Table(
    "jobs",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("show", sa.String(64), nullable=False),
    sa.Column("source_kind", sa.String(16), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("episode_id", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_expires_at", _TZ),
    sa.Column("worker", sa.String(64)),
    sa.Column("key_id", sa.String(64)),
    sa.Column("created_at", _TZ, nullable=False),
    sa.Column("updated_at", _TZ, nullable=False),
    sa.UniqueConstraint("show", "content_hash", name="uq_jobs_show_content"),
    sa.Index("ix_jobs_status_updated", "status", "updated_at"),
    sa.Index("ix_jobs_key_created", "key_id", "created_at"),
)
sa.Table(
    "retired_files",
    _meta,
    sa.Column("name", sa.String(1024), primary_key=True),
    sa.Column("retired_at", _TZ, nullable=False),
)
sa.Table(
    "feed_tokens",
    _meta,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("show", sa.String(64), nullable=False),
    sa.Column("label", sa.Text),
    sa.Column("created_at", _TZ, nullable=False),
    sa.Column("revoked_at", _TZ),
    sa.Index("ix_feed_tokens_show", "show"),
)


def upgrade() -> None:
    bind = op.get_bind()
    _meta.create_all(bind, checkfirst=True)
    inspector = sa.inspect(bind)
    for table in _meta.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present and column.nullable:
                op.add_column(table.name, sa.Column(column.name, column.type, nullable=True))
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(bind)


def downgrade() -> None:
    for table in reversed(_meta.sorted_tables):
        op.drop_table(table.name)
