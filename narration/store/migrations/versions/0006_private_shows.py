"""Private shows, set on purpose: a show is private when it has a row here, no longer
because it has a feed token. Shows that had a token (and so were private) stay private.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "private_shows",
        sa.Column("show", sa.String(64), primary_key=True),
        sa.Column("since", _TZ, nullable=False),
    )
    # Copied inside the database, so each keeps its own way of storing a moment.
    op.execute(
        "INSERT INTO private_shows (show, since)"
        " SELECT show, MIN(created_at) FROM feed_tokens GROUP BY show"
    )


def downgrade() -> None:
    op.drop_table("private_shows")
