"""Key events and their coverage chases: an editor's mark that an event is key, and one row per
key event and lead time (48 or 24 hours) claimed before the desk's channel is told nobody covers it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("events", sa.Column("marked_key", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "coverage_chases",
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("lead_hours", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("starts_at", INSTANT, nullable=False),
        sa.Column("chased_at", INSTANT, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_until", INSTANT, nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("coverage_chases")
    # Plain DROP COLUMN, not a batch copy of `events` (see 0006).
    op.execute("ALTER TABLE events DROP COLUMN marked_key")
