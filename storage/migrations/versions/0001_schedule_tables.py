"""Schedule tables: trips, events, participants and the search terms.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Migrations spell out plain column types so that they never change when the models do.
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "trips",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("principal", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.UniqueConstraint("team_id", "principal", "name", name="uq_trips_team_principal_name"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("uid", sa.String(255), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("precision", sa.String(8), nullable=False),
        sa.Column("starts_at", INSTANT, nullable=False),
        sa.Column("ends_at", INSTANT, nullable=True),
        sa.Column("finishes_at", INSTANT, nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("city", sa.String(120), nullable=False),
        sa.Column("country", sa.String(120), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("trip_id", sa.Integer(), sa.ForeignKey("trips.id", ondelete="SET NULL"), nullable=True),
        sa.Column("source_url", sa.String(2000), nullable=True),
        sa.Column("notes", sa.String(4000), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_by", sa.String(32), nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.UniqueConstraint("team_id", "uid", name="uq_events_team_uid"),
    )
    op.create_index("ix_events_team_starts", "events", ["team_id", "starts_at"])
    op.create_index("ix_events_team_finishes", "events", ["team_id", "finishes_at"])
    op.create_index("ix_events_trip_id", "events", ["trip_id"])
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_index("ix_participants_event_id", "participants", ["event_id"])
    op.create_table(
        "event_terms",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("term", sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql"), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "term", "event_id"),
    )
    op.create_index("ix_event_terms_event_id", "event_terms", ["event_id"])


def downgrade() -> None:
    op.drop_table("event_terms")
    op.drop_table("participants")
    op.drop_table("events")
    op.drop_table("trips")
