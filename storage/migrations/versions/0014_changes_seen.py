"""What changed: how far each user has read the schedule's changes, and an index to read a
workspace's changes since a moment.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes_seen",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("seen_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_change_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_event_changes_team_at", "event_changes", ["team_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_event_changes_team_at", table_name="event_changes")
    op.drop_table("changes_seen")
