"""A request's key is taken before its listener runs and marked finished once it has returned.

Until now a key counted as handled from the moment it was recorded, so a request whose first
attempt failed could not be retried. Keys recorded before this revision are finished ones.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handled_requests") as batch:
        batch.add_column(sa.Column("finished", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("handled_requests") as batch:
        batch.drop_column("finished")
