"""The query plans of what `/trip` runs, on the database the bench just filled.

The statements are the ones `build_listing` executes, captured as they go to the driver, then
explained with the same parameters: EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS)
on PostgreSQL (which also times each step).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event

from bench.data import TEAM
from domain.listing import ListingRequest, Mode
from services.itinerary import build_listing

# A principal with many events (upcoming and past), and a misspelling, which also reads the
# terms for suggestions.
EXPLAINED = {
    "search blinken": ListingRequest(Mode.SEARCH, "blinken"),
    "search blinkin": ListingRequest(Mode.SEARCH, "blinkin"),
    "week": ListingRequest(Mode.WEEK),
}


def plans(engine: Engine) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for name, request in EXPLAINED.items():
        captured: list[tuple[str, object]] = []

        def capture(_conn, _cursor, statement, parameters, _context, _many, captured=captured) -> None:
            captured.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        try:
            build_listing(
                engine, team_id=TEAM, request=request, now=datetime.now(UTC), newsroom_tz=ZoneInfo("Europe/Paris")
            )
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        found[name] = [_explain(engine, statement, parameters) for statement, parameters in captured]
    return found


def _explain(engine: Engine, statement: str, parameters: object) -> dict:
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()  # type: ignore[arg-type]
            plan = [f"{'  ' * _depth(rows, row)}{row[3]}" for row in rows]
        else:
            rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()  # type: ignore[arg-type]
            plan = [row[0] for row in rows]
    return {"statement": " ".join(statement.split()), "plan": plan}


def _depth(rows, row) -> int:
    """SQLite gives each step its parent's id: the depth is the length of that chain."""
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth
