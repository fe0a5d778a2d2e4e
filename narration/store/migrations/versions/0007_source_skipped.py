"""What a source's last poll skipped: how many entries, and why, by reason.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("skipped", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("skipped_reasons", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("skipped_reasons")
        batch.drop_column("skipped")
