"""The schema comes from migrations, and the migrations match the models."""

from __future__ import annotations

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from storage.db import make_engine
from storage.migrate import downgrade, upgrade
from tests.support.schedule import add_event


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_downgrade_upgrade(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    upgrade(engine)
    assert {"events", "trips", "participants", "event_terms"} <= set(inspect(engine).get_table_names())
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    upgrade(engine)  # a second start finds nothing to do
    assert "events" in inspect(engine).get_table_names()


def test_a_reminder_that_may_have_been_posted_keeps_that_across_0005(engine, clock):
    """Before 0005 the state was a prefix of the last error; the upgrade moves it to its own
    column, and the downgrade puts it back."""
    add_event(engine, clock, start=clock() + timedelta(days=2), lead_times=(1440, 60, 15))
    before = {
        1440: "uncertain: network: no answer in time",
        60: "gave up after 30 attempts: uncertain: internal_error",
        15: "service_unavailable",
    }
    downgrade(engine, "0004")
    try:
        with engine.begin() as connection:
            for lead, error in before.items():
                connection.execute(
                    text("UPDATE reminders SET last_error = :error WHERE lead_minutes = :lead"),
                    {"error": error, "lead": lead},
                )
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT lead_minutes, may_have_posted, last_error FROM reminders"))
            after = {lead: (bool(flag), error) for lead, flag, error in rows}
        assert after == {
            1440: (True, "network: no answer in time"),
            60: (True, "gave up after 30 attempts: internal_error"),
            15: (False, "service_unavailable"),
        }
        downgrade(engine, "0004")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT lead_minutes, last_error FROM reminders"))
            assert dict(rows.all()) == before
    finally:
        upgrade(engine)


def test_0012_gives_existing_terms_their_events_times(engine, clock):
    """Terms written before 0012 get their event's start, finish and deletion from the upgrade."""
    add_event(engine, clock, start=clock() + timedelta(days=2), title="Blinken in Paris")
    add_event(engine, clock, start=clock() + timedelta(days=3), title="Other")
    downgrade(engine, "0011")
    try:
        with engine.begin() as connection:
            assert "starts_at" not in {c["name"] for c in inspect(connection).get_columns("event_terms")}
            connection.execute(text("UPDATE events SET deleted_at = starts_at WHERE title = 'Other'"))
        upgrade(engine)
        with engine.connect() as connection:
            following, deleted, total = connection.execute(
                text(
                    "SELECT sum(CASE WHEN t.starts_at = e.starts_at AND t.finishes_at = e.finishes_at"
                    " AND t.deleted_at IS NOT DISTINCT FROM e.deleted_at THEN 1 ELSE 0 END),"
                    " sum(CASE WHEN t.deleted_at IS NOT NULL THEN 1 ELSE 0 END), count(*)"
                    " FROM event_terms t JOIN events e ON e.id = t.event_id"
                )
            ).one()
        assert following == total > deleted > 0
    finally:
        upgrade(engine)
