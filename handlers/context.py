"""What every listener needs, handed over once at start instead of read from globals.

`tripdesk.slack_app` builds one `AppContext` and installs `provide(ctx)` as a global
middleware: it puts the context into each request's Bolt context, where a listener that takes
`context: BoltContext` reads it with `desk(context)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from slack_bolt import BoltContext, BoltResponse
from sqlalchemy import Engine

from infra.config import Settings
from services.permissions import Editors

Clock = Callable[[], datetime]
KEY = "desk"


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

    @cached_property
    def editors(self) -> Editors:
        # One instance per app, so that user-group memberships are cached across requests.
        return Editors(self.settings.editors)


def provide(ctx: AppContext) -> Callable[..., BoltResponse]:
    """The global middleware that hands `ctx` to every listener."""

    def put_desk(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context[KEY] = ctx
        return next()

    return put_desk


def desk(context: BoltContext) -> AppContext:
    found = context.get(KEY)
    if not isinstance(found, AppContext):
        raise RuntimeError("no AppContext in the request's context: install handlers.context.provide(ctx)")
    return found


def team_id(context: BoltContext) -> str:
    """The workspace every query and change is scoped by.

    Slack names it in every request TripDesk receives; a request without one (an org-wide
    install, which TripDesk does not support) is served as a workspace of its own, empty.
    """
    return context.team_id or ""
