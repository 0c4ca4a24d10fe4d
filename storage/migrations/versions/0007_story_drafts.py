"""Drafts read from a story, kept between the views of the drafts modal.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.Date(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("source_url", sa.String(2000), nullable=True),
        sa.Column("drafts", sa.Text(), nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
    )
    op.create_index("ix_story_drafts_created_at", "story_drafts", ["created_at"])


def downgrade() -> None:
    op.drop_table("story_drafts")
