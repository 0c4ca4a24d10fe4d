"""A failing statement must not carry the schedule into the logs: its parameters (titles, places,
names) are left out of the error, and PostgreSQL's echo of a refused row is redacted."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from infra.logs import JsonLines
from storage.models import Trip

SECRET = "Unannounced visit to Kyiv"


def test_a_failing_statement_does_not_carry_its_parameters(engine):
    with engine.connect() as connection, pytest.raises(DBAPIError) as failure:
        connection.execute(text("SELECT :title FROM no_such_table"), {"title": SECRET})
    assert SECRET not in str(failure.value)
    assert "no_such_table" in str(failure.value)  # what failed is still said


def test_a_refused_row_does_not_reach_the_logs(engine):
    row = {"team_id": "T0NEWSROOM", "principal": "Antony Blinken", "name": SECRET, "created_at": datetime.now(UTC)}
    with engine.begin() as connection:
        connection.execute(insert(Trip).values(**row))
    with engine.begin() as connection:
        try:
            connection.execute(insert(Trip).values(**row))
        except DBAPIError:
            failure = sys.exc_info()
    record = logging.LogRecord("tripdesk.test", logging.ERROR, __file__, 1, "listener failed", (), failure)
    line = JsonLines().format(record)
    assert "uq_trips_team_principal_name" in line or "UNIQUE constraint failed" in line
    assert SECRET not in line
