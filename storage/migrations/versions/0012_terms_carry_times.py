"""Search terms carry their event's start, finish and deletion, with an index in start order.

A search read every event matching its words to keep the upcoming ones and sort them (2,358
events for "blinken", 26,405 terms for "ukraine" at 100,000 events). With the times beside each
term, the count and the page are answered from the terms' index alone, and only the page's
events are read.

The table is rebuilt keyed by (workspace, term, start, event), so that its own key is the index
a search reads: without row ids on SQLite (the rows are the key's b-tree, finish and deletion
beside it), with finish and deletion included in the key's index on PostgreSQL. A separate
index on (event, term) serves the replacement of an event's terms and a query's other words.
A second index carrying the copies instead would have made the terms two and a half times as
large on SQLite.

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
TERM = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
_TRIGGER = "event_terms_follow_event"
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


def _rebuild(columns: list[sa.Column], key: sa.PrimaryKeyConstraint, select: str, **table_options) -> None:
    """Replace event_terms with a table of `columns` and `key`, filled by `select`."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "event_terms_new",
        *columns,
        key,
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE", name="event_terms_new_event_id_fkey"),
        **table_options,
    )
    names = ", ".join(column.name for column in columns)
    op.execute(f"INSERT INTO event_terms_new ({names}) {select}")
    op.drop_table("event_terms")
    op.rename_table("event_terms_new", "event_terms")
    if postgresql:
        op.execute("ALTER TABLE event_terms RENAME CONSTRAINT event_terms_new_pkey TO event_terms_pkey")
        op.execute(
            "ALTER TABLE event_terms RENAME CONSTRAINT event_terms_new_event_id_fkey TO event_terms_event_id_fkey"
        )


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    _rebuild(
        [
            sa.Column("team_id", sa.String(32), nullable=False),
            sa.Column("term", TERM, nullable=False),
            sa.Column("event_id", sa.Integer(), nullable=False),
            sa.Column("starts_at", INSTANT, nullable=False),
            sa.Column("finishes_at", INSTANT, nullable=False),
            sa.Column("deleted_at", INSTANT, nullable=True),
        ],
        sa.PrimaryKeyConstraint(
            "team_id",
            "term",
            "starts_at",
            "event_id",
            name="event_terms_new_pkey",
            postgresql_include=["finishes_at", "deleted_at"],
        ),
        "SELECT t.team_id, t.term, t.event_id, e.starts_at, e.finishes_at, e.deleted_at"
        " FROM event_terms AS t JOIN events AS e ON e.id = t.event_id",
        sqlite_with_rowid=False,
    )
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
    _rebuild(
        [
            sa.Column("team_id", sa.String(32), nullable=False),
            sa.Column("term", TERM, nullable=False),
            sa.Column("event_id", sa.Integer(), nullable=False),
        ],
        sa.PrimaryKeyConstraint("team_id", "term", "event_id", name="event_terms_new_pkey"),
        "SELECT team_id, term, event_id FROM event_terms",
    )
    op.create_index("ix_event_terms_event_id", "event_terms", ["event_id"])
