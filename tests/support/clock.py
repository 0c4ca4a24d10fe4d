from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    """A clock the test moves by hand, injected where the app reads the time."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


def at(clock: Clock, moment: datetime) -> None:
    clock.moment = moment
