"""Tables for listening figures: raw hits, player events and daily roll-ups.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "stats_salts",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("salt", sa.String(64), nullable=False),
    )
    op.create_table(
        "stats_hits",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("hour", sa.Integer, nullable=False),
        sa.Column("episode_id", sa.String(32), nullable=False),
        sa.Column("show", sa.String(64), nullable=False),
        sa.Column("listener", sa.String(32), nullable=False),
        sa.Column("app", sa.String(64), nullable=False),
        sa.Column("country", sa.String(16), nullable=False),
        sa.Column("bot", sa.Boolean, nullable=False),
        sa.Column("watch", sa.Boolean, nullable=False),
        sa.Column("first_byte", sa.BigInteger, nullable=False),
        sa.Column("last_byte", sa.BigInteger, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("need", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_stats_hits_day_listener", "stats_hits", ["day", "listener"])
    op.create_table(
        "stats_events",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("episode_id", sa.String(32), nullable=False),
        sa.Column("show", sa.String(64), nullable=False),
        sa.Column("listener", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("rate", sa.Float, nullable=False),
        sa.Column("context", sa.String(8), nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("flagged", sa.Boolean, nullable=False),
    )
    op.create_index("ix_stats_events_day_episode", "stats_events", ["day", "episode_id"])
    op.create_table(
        "stats_daily",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("episode_id", sa.String(32), nullable=False),
        sa.Column("show", sa.String(64), nullable=False),
        sa.Column("app", sa.String(64), nullable=False),
        sa.Column("country", sa.String(16), nullable=False),
        sa.Column("downloads", sa.Integer, nullable=False),
        sa.Column("flagged", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "episode_id", "app", "country", name="pk_stats_daily"),
    )
    op.create_index("ix_stats_daily_show_day", "stats_daily", ["show", "day"])
    op.create_table(
        "stats_player_daily",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("episode_id", sa.String(32), nullable=False),
        sa.Column("show", sa.String(64), nullable=False),
        sa.Column("context", sa.String(8), nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("plays", sa.Integer, nullable=False),
        sa.Column("reached_25", sa.Integer, nullable=False),
        sa.Column("reached_50", sa.Integer, nullable=False),
        sa.Column("reached_75", sa.Integer, nullable=False),
        sa.Column("reached_95", sa.Integer, nullable=False),
        sa.Column("rate_total", sa.Float, nullable=False),
        sa.Column("flagged", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "episode_id", "context", "origin", name="pk_stats_player_daily"
        ),
    )
    op.create_index("ix_stats_player_daily_show_day", "stats_player_daily", ["show", "day"])


def downgrade() -> None:
    for name in ("stats_player_daily", "stats_daily", "stats_events", "stats_hits", "stats_salts"):
        op.drop_table(name)
