"""A revision number per workspace, kept by triggers, for the live feed's conditional requests;
and an index that gives the latest change of a workspace's events without reading them all.

Before, every request to the feed (a 304 included) counted and summed the versions of all the
workspace's events: milliseconds at 10,000 events, ten times that at 100,000. Triggers keep the
number whatever writes the tables (the editor, an import, a feed sync, a script), so a change
made through another replica is seen at the next request.

On PostgreSQL the triggers are deferred to the commit and bump the number once per transaction:
an import holds the revision's row lock for no longer than its commit, so an editor's change
made meanwhile does not wait for the import, and an import of 100,000 rows updates the row once
rather than leave 100,000 versions of it. SQLite has one writer at a time, so there the row
is bumped by each changed row, in place; an event added is seen there by the largest event id
instead (see below).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The changes that alter the feed, and only those: a reminder's thread or channel being noted
# on the event must not change every subscriber's ETag.
_EVENT_CHANGED = (
    "OLD.version IS DISTINCT FROM NEW.version OR OLD.updated_at IS DISTINCT FROM NEW.updated_at"
    " OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.team_id IS DISTINCT FROM NEW.team_id"
)
# (trigger name, event, table, row whose team is revised, condition)
_TRIGGERS = (
    ("schedule_revision_event_added", "INSERT", "events", "NEW", None),
    ("schedule_revision_event_changed", "UPDATE", "events", "NEW", _EVENT_CHANGED),
    ("schedule_revision_event_removed", "DELETE", "events", "OLD", None),
    ("schedule_revision_trip_added", "INSERT", "trips", "NEW", None),
    ("schedule_revision_trip_removed", "DELETE", "trips", "OLD", None),
)

_POSTGRES_FUNCTION = """
CREATE FUNCTION schedule_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    team text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        team := OLD.team_id;
    ELSE
        team := NEW.team_id;
    END IF;
    -- Deferred to the commit, where every changed row fires: the first bumps the number, the
    -- others find it done in this transaction.
    IF current_setting('tripdesk.revised', true) = team THEN
        RETURN NULL;
    END IF;
    INSERT INTO schedule_revisions AS s (team_id, revision) VALUES (team, 1)
        ON CONFLICT (team_id) DO UPDATE SET revision = s.revision + 1;
    PERFORM set_config('tripdesk.revised', team, true);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "schedule_revisions",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("revision", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_events_team_updated", "events", ["team_id", "updated_at"])
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(_POSTGRES_FUNCTION)
    for name, event, table, row, condition in _TRIGGERS:
        if not postgresql and name == "schedule_revision_event_added":
            # SQLite runs a row trigger by copying the whole row, which made inserting events a
            # third slower (30 µs a row here); an event added raises the largest id instead,
            # which the stamp reads, and with one writer at a time no transaction can commit an
            # id below one already seen.
            continue
        if postgresql:
            when = f" WHEN ({condition})" if condition else ""
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {name} AFTER {event} ON {table}"
                f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{when} EXECUTE FUNCTION schedule_revision_bump()"
            )
        else:
            when = f" WHEN {condition.replace('IS DISTINCT FROM', 'IS NOT')}" if condition else ""
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN"
                f" INSERT INTO schedule_revisions (team_id, revision) VALUES ({row}.team_id, 1)"
                " ON CONFLICT (team_id) DO UPDATE SET revision = revision + 1; END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, _event, table, _row, _condition in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}" if postgresql else f"DROP TRIGGER IF EXISTS {name}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS schedule_revision_bump()")
    op.drop_index("ix_events_team_updated", table_name="events")
    op.drop_table("schedule_revisions")
