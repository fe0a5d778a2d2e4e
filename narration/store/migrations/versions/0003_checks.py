"""Tables for listening checks of episodes: the latest check of each episode's audio.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "episode_checks",
        sa.Column("episode_id", sa.String(32), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("wer", sa.Float, nullable=False),
        sa.Column("flagged", sa.Integer, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("checked_at", _TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("episode_checks")
