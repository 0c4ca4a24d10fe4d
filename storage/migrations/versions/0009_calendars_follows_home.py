"""Calendars in and out, follows and the Home tab: the live feed's secret, subscribed feeds and
the events they brought, follows with their DMs, and who has the Home tab open.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _instant(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("selector", sa.String(16), nullable=False, unique=True),
        sa.Column("verifier", sa.String(64), nullable=False),
        sa.Column("desk", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        _instant("created_at"),
    )
    op.create_table(
        "feed_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("added_by", sa.String(32), nullable=False),
        _instant("added_at"),
        sa.Column("etag", sa.String(500), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        _instant("next_sync_at"),
        _instant("claimed_until", nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        _instant("last_attempt_at", nullable=True),
        _instant("last_success_at", nullable=True),
        sa.Column("last_report", sa.Text(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        _instant("failing_since", nullable=True),
        _instant("failure_posted_at", nullable=True),
        sa.UniqueConstraint("team_id", "url", name="uq_feed_subscriptions_team_url"),
    )
    op.create_index("ix_feed_subscriptions_next_sync_at", "feed_subscriptions", ["next_sync_at"])
    # No foreign key (see the model): removing a subscription clears its events' feed_id.
    op.add_column("events", sa.Column("feed_id", sa.Integer(), nullable=True))
    op.create_index("ix_events_feed_id", "events", ["feed_id"])
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("query", sa.String(300), nullable=False),
        sa.Column("query_key", sa.String(300), nullable=False),
        sa.Column("lead_minutes", sa.Integer(), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        _instant("created_at"),
        sa.UniqueConstraint("team_id", "user_id", "query_key", name="uq_follows_team_user_query"),
    )
    op.create_index("ix_follows_team_id", "follows", ["team_id"])
    op.create_table(
        "follow_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(300), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        _instant("created_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _instant("next_attempt_at", nullable=True),
        sa.Column("may_have_posted", sa.Boolean(), nullable=False, server_default=sa.false()),
        _instant("claimed_until", nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        _instant("sent_at", nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.UniqueConstraint("user_id", "event_id", "version", name="uq_follow_notices_user_event_version"),
    )
    op.create_index("ix_follow_notices_status_created", "follow_notices", ["status", "created_at"])
    op.create_table(
        "home_viewers",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        _instant("opened_at"),
    )
    op.create_index("ix_home_viewers_opened_at", "home_viewers", ["opened_at"])


def downgrade() -> None:
    op.drop_table("home_viewers")
    op.drop_table("follow_notices")
    op.drop_table("follows")
    op.drop_index("ix_events_feed_id", table_name="events")
    # Plain DROP COLUMN, not a batch copy of `events` (see 0006).
    op.execute("ALTER TABLE events DROP COLUMN feed_id")
    op.drop_table("feed_subscriptions")
    op.drop_table("calendar_feeds")
