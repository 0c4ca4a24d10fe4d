"""The daily agenda: today's and tomorrow's events, and what changed since the last one,
posted to TRIPDESK_CHANNEL once a newsroom day whatever the number of replicas."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import Engine

from blocks.agenda import agenda_message
from domain.snapshot import PRIVATE_FIELDS
from domain.zones import add_days, later, start_of_day, to_utc
from infra.slack_failures import SLACK_FAILURES
from storage.agenda import SENT, changes_since, claim_day, finish_day, last_posted_at
from storage.db import session
from storage.events import find_events
from storage.home import uncovered_events
from storage.models import Event

log = logging.getLogger(__name__)
MAX_EVENTS = 40
MAX_CHANGES = 15
MAX_UNCOVERED = 15


class DailyAgenda:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        newsroom_tz: ZoneInfo,
        channel_id: str | None,
        team_id: Callable[[], str],
        replica: str,
        lease: timedelta = timedelta(minutes=5),
    ):
        self.engine, self.client, self.clock = engine, client, clock
        self.newsroom_tz, self.channel_id, self.team_id = newsroom_tz, channel_id, team_id
        self.replica, self.lease = replica, lease

    def post_if_due(self, at: time, catch_up: timedelta = timedelta(hours=6)) -> str | None:
        """From the sweep: post today's agenda if its time has passed (within `catch_up`) and
        no replica has posted it, e.g. because the bot was down at 07:00 or Slack failed."""
        now = self.clock()
        # Compared as instants: two wall times in one zone compare by the clock's face, which
        # is wrong across a change, and 07:00 plus six hours is not 13:00 on a 23-hour day.
        due = datetime.combine(now.astimezone(self.newsroom_tz).date(), at, tzinfo=self.newsroom_tz)
        if not to_utc(due) <= now < later(due, catch_up):
            return None
        return self.post()

    def post(self) -> str:
        """Post today's agenda unless another replica has; says what happened."""
        if self.channel_id is None:
            log.info("no daily agenda: TRIPDESK_CHANNEL is not set")
            return "no channel"
        now = self.clock()
        team_id, today = self.team_id(), now.astimezone(self.newsroom_tz).date()
        with session(self.engine) as db, db.begin():
            if not claim_day(
                db,
                team_id=team_id,
                day=today,
                channel_id=self.channel_id,
                now=now,
                lease_until=later(now, self.lease),
                replica=self.replica,
            ):
                return "already posted"
            since = last_posted_at(db, team_id=team_id, before=today)
        with session(self.engine) as db:
            days = [today, add_days(today, 1)]
            events = {
                day: find_events(
                    db,
                    team_id=team_id,
                    not_over_at=max(now, start_of_day(day, self.newsroom_tz)),
                    starts_before=start_of_day(add_days(day, 1), self.newsroom_tz),
                    limit=MAX_EVENTS,
                ).events
                for day in days
            }
            changes = (
                changes_since(db, team_id=team_id, since=since, limit=MAX_CHANGES, without_fields=PRIVATE_FIELDS)
                if since
                else []
            )
            titles = _titles(db, changes)
            # The key events of the two days that nobody covers: also those the day lists
            # cut off, and those still under way.
            uncovered = uncovered_events(
                db,
                team_id=team_id,
                not_over_at=now,
                starts_before=start_of_day(add_days(today, 2), self.newsroom_tz),
                limit=MAX_UNCOVERED,
            )
        message = agenda_message(
            today,
            events,
            changes,
            titles,
            newsroom_tz=self.newsroom_tz,
            since=since,
            uncovered=uncovered.events,
            uncovered_total=uncovered.total,
        )
        try:
            response = self.client.chat_postMessage(channel=self.channel_id, unfurl_links=False, **message)
        except SLACK_FAILURES as error:
            log.error("daily agenda not posted day=%s channel=%s error=%s", today, self.channel_id, error)
            with session(self.engine) as db, db.begin():
                finish_day(db, team_id=team_id, day=today, replica=self.replica, last_error=str(error)[:500])
            return "failed"
        with session(self.engine) as db, db.begin():
            finish_day(
                db,
                team_id=team_id,
                day=today,
                replica=self.replica,
                status=SENT,
                posted_at=now,
                message_ts=response.get("ts"),
                last_error=None,
            )
        log.info("daily agenda posted day=%s channel=%s", today, self.channel_id)
        return "posted"


def _titles(db, changes) -> dict[int, str]:
    ids = {c.event_id for c in changes}
    return {event.id: event.title for event in (db.get(Event, i) for i in ids) if event}
