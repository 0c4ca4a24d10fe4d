"""What every listener needs, handed over once at start instead of read from globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from sqlalchemy import Engine
from sqlmodel import Session

from infra.config import Settings
from services.permissions import Editors
from storage.db import session

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    return lambda: moment


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: Engine
    clock: Clock = system_clock
    # Called after every change of the schedule: the reminder deliverer re-reads its next due time.
    on_schedule_change: Callable[[], None] = _nothing

    def schedule_changed(self) -> None:
        self.on_schedule_change()

    def session(self) -> Session:
        return session(self.engine)

    @cached_property
    def editors(self) -> Editors:
        # One instance per app, so that user-group memberships are cached across requests.
        return Editors(self.settings.editors)
