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
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("feed_values", sa.Text(), nullable=True))
    with op.batch_alter_table("event_changes") as batch:
        batch.add_column(sa.Column("imported_from", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event_changes") as batch:
        batch.drop_column("imported_from")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("feed_values")
