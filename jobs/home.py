"""Home tabs kept current: when the schedule changes, the dashboard of everyone who opened the
tab lately is published again.

Slack says when a user opens the tab (`app_home_opened`), never when they leave it, so "has it
open" is read as "opened it within RECENT_VIEWER". A change marks the tabs stale; one refresh
round follows REFRESH_DELAY_SECONDS later, however many changes came meanwhile (an import of a
hundred events, an editor saving several forms), and reads the schedule as it is then. Each
viewer's dashboard is their own (what they cover, their follows, whether they are an editor),
so each is built and published separately; one that fails is logged and the others go on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from blocks.home import home_view
from domain.zones import earlier
from infra.slack_failures import SLACK_FAILURES, retry_after, slack_error
from services.home import build_dashboard, recent_viewers
from services.permissions import Editors

log = logging.getLogger(__name__)
# A tab opened longer ago than this is taken to be closed: it is published again only when its
# user opens it, which publishes it anyway.
RECENT_VIEWER = timedelta(hours=1)
# How long after a change the round starts, so that a burst of changes costs one round.
REFRESH_DELAY_SECONDS = 5.0
# views.publish is Tier 4 (100+ calls a minute): a round rarely meets the limit, and when it
# does, waits as long as Slack says, this many times for one viewer, each wait at most
# MAX_BACKOFF_SECONDS, before giving up on that viewer until the next change.
RATE_LIMIT_RETRIES = 3
MAX_BACKOFF_SECONDS = 60.0


@dataclass
class RefreshReport:
    viewers: int = 0
    published: int = 0
    failed: int = 0
    rate_limited: int = 0


class HomeRefresher:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        newsroom_tz: ZoneInfo,
        team_id: Callable[[], str],
        editors: Editors,
        wait: Callable[[float], bool] | None = None,
    ):
        """`editors`: the app's own (handlers use the same instance), so that a refreshed tab
        shows the feeds' health to exactly the users the Home tab shows it to when opened, with
        the same cache of user groups. `wait(seconds)` pauses for a rate limit and says whether
        to stop instead; by default it waits on `stop()`."""
        self.engine, self.client, self.clock = engine, client, clock
        self.newsroom_tz, self.team_id, self.editors = newsroom_tz, team_id, editors
        self._stop = threading.Event()
        self.wait = wait or self._stop.wait
        self.delay = REFRESH_DELAY_SECONDS
        self._lock = threading.Lock()
        # One round at a time: a round asked for while one runs waits for it, then reads anew.
        self._running = threading.Lock()
        self._pending = False

    def note_change(self) -> bool:
        """The schedule changed. True when this asks for a new round, which the caller runs
        (`run_pending`) after `delay`; False when one is already asked for and will see this
        change too."""
        with self._lock:
            if self._pending:
                return False
            self._pending = True
            return True

    def run_pending(self) -> RefreshReport | None:
        """The round asked for by `note_change`, if any is still to run."""
        with self._running:
            with self._lock:
                if not self._pending:
                    return None
                # Cleared before reading the schedule: a change from now on asks for another round.
                self._pending = False
            return self.refresh()

    def refresh(self) -> RefreshReport:
        """Publish the Home tab of every recent viewer again."""
        report = RefreshReport()
        now, team_id = self.clock(), self.team_id()
        try:
            viewers = recent_viewers(self.engine, team_id=team_id, since=earlier(now, RECENT_VIEWER))
        except SQLAlchemyError as error:
            log.error("home tabs not refreshed: the viewers could not be read error=%s", type(error).__name__)
            return report
        report.viewers = len(viewers)
        for user_id in viewers:
            if self._stop.is_set():
                break
            self._refresh_one(team_id, user_id, now, report)
        log.info(
            "home tabs refreshed viewers=%d published=%d failed=%d rate_limited=%d",
            report.viewers,
            report.published,
            report.failed,
            report.rate_limited,
        )
        return report

    def stop(self) -> None:
        self._stop.set()

    def _refresh_one(self, team_id: str, user_id: str, now: datetime, report: RefreshReport) -> None:
        try:
            dashboard = build_dashboard(
                self.engine,
                team_id=team_id,
                user_id=user_id,
                now=now,
                newsroom_tz=self.newsroom_tz,
                editor=self._is_editor(user_id),
            )
        except SQLAlchemyError as error:
            log.error("home tab not refreshed team=%s user=%s error=%s", team_id, user_id, type(error).__name__)
            report.failed += 1
            return
        view = home_view(dashboard, newsroom_tz=self.newsroom_tz)
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            try:
                self.client.views_publish(user_id=user_id, view=view)
            except SLACK_FAILURES as error:
                wait = retry_after(error)
                if wait is None or attempt == RATE_LIMIT_RETRIES:
                    log.error(
                        "home tab not refreshed team=%s user=%s attempts=%d error=%s",
                        team_id,
                        user_id,
                        attempt + 1,
                        slack_error(error),
                    )
                    report.failed += 1
                    return
                report.rate_limited += 1
                log.info("views.publish rate limited user=%s retry_after=%s", user_id, wait)
                if self.wait(min(wait, MAX_BACKOFF_SECONDS)):
                    return
                continue
            report.published += 1
            return

    def _is_editor(self, user_id: str) -> bool:
        return self.editors.allows(user_id, lambda group: self.client.usergroups_users_list(usergroup=group)["users"])
