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
    table = op.create_table(
        "private_shows",
        sa.Column("show", sa.String(64), primary_key=True),
        sa.Column("since", _TZ, nullable=False),
    )
    tokens = sa.table("feed_tokens", sa.column("show"), sa.column("created_at"))
    rows = op.get_bind().execute(
        sa.select(tokens.c.show, sa.func.min(tokens.c.created_at)).group_by(tokens.c.show)
    )
    made = [{"show": show, "since": since} for show, since in rows]
    if made:
        op.bulk_insert(table, made)


def downgrade() -> None:
    op.drop_table("private_shows")
