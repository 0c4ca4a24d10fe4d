"""What changed: how far each user has read the schedule's changes, an index to read a
workspace's changes since a moment, and (on PostgreSQL) the transaction that wrote each change.

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
        sa.Column("seen_mark", sa.BigInteger(), nullable=False),
        sa.Column("seen_above", sa.Text(), nullable=False, server_default=""),
        sa.Column("seen_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_event_changes_team_at", "event_changes", ["team_id", "at"])
    # Rows already written keep NULL (adding the column with its default would date them all by
    # this migration's transaction and rewrite the table); new ones get their transaction's id.
    op.add_column("event_changes", sa.Column("xact", sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("event_changes", "xact", server_default=sa.text("pg_current_xact_id()::text::bigint"))
    op.create_index("ix_event_changes_team_xact", "event_changes", ["team_id", "xact"])


def downgrade() -> None:
    op.drop_index("ix_event_changes_team_xact", table_name="event_changes")
    op.drop_column("event_changes", "xact")
    op.drop_index("ix_event_changes_team_at", table_name="event_changes")
    op.drop_table("changes_seen")
