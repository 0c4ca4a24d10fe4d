"""Channel holds: one replica at a time posts reminders to a channel, so that replicas do not
trip Slack's per-channel rate limit against each other.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_holds",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("held_by", sa.String(64), nullable=True),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("channel_holds")
