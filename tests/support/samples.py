"""Where the repository and its sample calendar are, and calendars loaded straight into the
database the way `bot.py import` loads them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from services.importing import import_calendar
from tests.support.schedule import TEAM

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "blinken-paris-brussels-2024.ics"


def load_ics(engine, data: bytes, *, team_id: str = TEAM, now: datetime | None = None):
    return import_calendar(
        engine, team_id=team_id, data=data, fallback_tz="Europe/Paris", actor="import", now=now or datetime.now(UTC)
    )
