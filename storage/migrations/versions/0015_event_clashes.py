"""Event clashes: two events of one person in different places that cannot both happen.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_clashes",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("other_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("other_title", sa.String(300), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("distance_km", sa.Integer, nullable=True),
        sa.Column("people", sa.String(200), nullable=False),
        sa.Column("noticed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_event_clashes_other_id", "event_clashes", ["other_id"])
    op.create_index("ix_event_clashes_noticed_at", "event_clashes", ["noticed_at"])


def downgrade() -> None:
    op.drop_index("ix_event_clashes_noticed_at", table_name="event_clashes")
    op.drop_index("ix_event_clashes_other_id", table_name="event_clashes")
    op.drop_table("event_clashes")
