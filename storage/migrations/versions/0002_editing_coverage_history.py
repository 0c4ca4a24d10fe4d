"""Editing from Slack: versions, reminder channel and lead times, coverage, history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("channel_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("thread_ts", sa.String(32), nullable=True))
        batch.add_column(sa.Column("lead_times", sa.String(64), nullable=True))
        batch.add_column(sa.Column("past_record", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("deleted_at", INSTANT, nullable=True))
    op.create_table(
        "coverage",
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("assigned_by", sa.String(32), nullable=False),
        sa.Column("assigned_at", INSTANT, nullable=False),
    )
    op.create_index("ix_coverage_user_id", "coverage", ["user_id"])
    op.create_table(
        "event_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("field", sa.String(32), nullable=True),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
    )
    op.create_index("ix_event_changes_event_at", "event_changes", ["event_id", "at"])


def downgrade() -> None:
    op.drop_table("event_changes")
    op.drop_table("coverage")
    with op.batch_alter_table("events") as batch:
        for column in ("deleted_at", "past_record", "lead_times", "thread_ts", "channel_id", "version"):
            batch.drop_column(column)
