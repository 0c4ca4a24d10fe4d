"""What the calendar feed last said about each imported event, and the import behind a change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for events made in TripDesk, and for events imported before this revision: their
    # next import takes their current values as what the feed last said.
    op.add_column("events", sa.Column("feed_values", sa.Text(), nullable=True))
    op.add_column("event_changes", sa.Column("imported_from", sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later), not a batch copy: on SQLite a
    # batch recreates `events`, and dropping the old table would cascade into its reminders,
    # participants and coverage.
    op.execute("ALTER TABLE event_changes DROP COLUMN imported_from")
    op.execute("ALTER TABLE events DROP COLUMN feed_values")
