"""The WebSub subscription request awaiting the hub's answer, kept apart from the
subscription in force: only an answer to a pending request verifies or denies.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sources", sa.Column("websub_request_secret", sa.String(64)))
    op.add_column("sources", sa.Column("websub_request_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("websub_request_until")
        batch.drop_column("websub_request_secret")
