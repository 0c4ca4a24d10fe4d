"""Search terms carry their event's start, finish and deletion, with an index in start order.

A search read every event matching its words to keep the upcoming ones and sort them (2,358
events for "blinken", 26,405 terms for "ukraine" at 100,000 events). With the times beside each
term, the count and the page are answered from the terms' index alone, and only the page's
events are read.

The copies are kept by a trigger on `events`, so that no writer can forget them (the editor,
a move, a delete, an import's update, a feed sync, a script); a term inserted takes them from
the code that writes it, which has the event in hand.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=True)
_TRIGGER = "event_terms_follow_event"
_INDEX = "ix_event_terms_team_term_starts"
_CHANGED = (
    "OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.finishes_at IS DISTINCT FROM NEW.finishes_at"
    " OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at"
)
_COPY = "starts_at = NEW.starts_at, finishes_at = NEW.finishes_at, deleted_at = NEW.deleted_at"

_POSTGRES_FUNCTION = f"""
CREATE FUNCTION event_terms_follow_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE event_terms SET {_COPY} WHERE event_id = NEW.id;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("event_terms") as batch:
        batch.add_column(sa.Column("starts_at", INSTANT, nullable=True))
        batch.add_column(sa.Column("finishes_at", INSTANT, nullable=True))
        batch.add_column(sa.Column("deleted_at", INSTANT, nullable=True))
    op.execute(
        "UPDATE event_terms SET starts_at = e.starts_at, finishes_at = e.finishes_at, deleted_at = e.deleted_at"
        " FROM events AS e WHERE e.id = event_terms.event_id"
    )
    with op.batch_alter_table("event_terms") as batch:
        batch.alter_column("starts_at", existing_type=INSTANT, nullable=False)
        batch.alter_column("finishes_at", existing_type=INSTANT, nullable=False)
    op.create_index(_INDEX, "event_terms", ["team_id", "term", "starts_at", "event_id", "finishes_at", "deleted_at"])
    # A query's other words are checked per event: (event, term) answers it from the index.
    op.drop_index("ix_event_terms_event_id", table_name="event_terms")
    op.create_index("ix_event_terms_event_term", "event_terms", ["event_id", "term"])
    if postgresql:
        op.execute(_POSTGRES_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {_TRIGGER} AFTER UPDATE OF starts_at, finishes_at, deleted_at ON events"
            f" FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION event_terms_follow_event()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER {_TRIGGER} AFTER UPDATE OF starts_at, finishes_at, deleted_at ON events"
            f" WHEN {_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')}"
            f" BEGIN UPDATE event_terms SET {_COPY} WHERE event_id = NEW.id; END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON events" if postgresql else f"DROP TRIGGER IF EXISTS {_TRIGGER}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS event_terms_follow_event()")
    op.drop_index("ix_event_terms_event_term", table_name="event_terms")
    op.create_index("ix_event_terms_event_id", "event_terms", ["event_id"])
    op.drop_index(_INDEX, table_name="event_terms")
    with op.batch_alter_table("event_terms") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("finishes_at")
        batch.drop_column("starts_at")
