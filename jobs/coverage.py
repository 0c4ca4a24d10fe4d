"""The chase for coverage: key events no one covers, 48 and 24 hours before they start, in one
message to TRIPDESK_CHANNEL with an *I'll cover* button each, once whatever the number of
replicas and restarts (storage/coverage.py claims each event and lead time before posting).
The one exception: a replica that dies after posting and before marking its chases sent leaves
them to be posted again once its lease is over (at least once, never lost)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import Engine

from blocks.coverage import MAX_CHASED, chase_message
from domain.coverage import CHASE_LEADS, chase_lead, chase_owed, lead_hours
from domain.zones import later
from infra.slack_failures import SLACK_FAILURES, slack_error
from jobs.reminders import retrying
from storage.coverage import claim_chase, finish_chases, key_uncovered
from storage.db import session
from storage.models import Event, saved_id

log = logging.getLogger(__name__)
# Key events no one covers in the next 48 hours: a handful on a busy week; read generously, so
# that events already chased never crowd out one that is owed.
CANDIDATES = 500


class CoverageChaser:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        channel_id: str | None,
        team_id: Callable[[], str],
        replica: str,
        lease: timedelta = timedelta(minutes=5),
    ):
        self.engine, self.client, self.clock = engine, client, clock
        self.channel_id, self.team_id, self.replica, self.lease = channel_id, team_id, replica, lease

    def run_once(self) -> str:
        """Chase what is owed now; says what happened."""
        channel_id = self.channel_id
        if channel_id is None:
            return "no channel"
        now, team_id = self.clock(), self.team_id()
        # A write may collide with another replica's (SQLite's "database is locked"): tried again.
        claimed = retrying(lambda: self._claim(team_id, channel_id, now))
        if not claimed:
            return "nothing owed"
        keys = [(saved_id(event), hours) for event, hours in claimed]
        message = chase_message([event for event, _ in claimed], now=now)
        try:
            response = self.client.chat_postMessage(channel=channel_id, unfurl_links=False, **message)
        except SLACK_FAILURES as error:
            reason = slack_error(error)
            log.error(
                "coverage chase not posted channel=%s chases=%s error=%s",
                channel_id,
                ",".join(f"{event_id}@{hours}h" for event_id, hours in keys),
                reason,
            )
            # Released: the next pass tries again.
            retrying(lambda: self._finish(keys, sent=False, last_error=reason[:500]))
            return "failed"
        retrying(lambda: self._finish(keys, sent=True, message_ts=response.get("ts"), last_error=None))
        log.info("coverage chase posted channel=%s events=%d", channel_id, len(keys))
        return f"posted {len(keys)}"

    def _claim(self, team_id: str, channel_id: str, now: datetime) -> list[tuple[Event, int]]:
        """Claim the chases owed now, at most a message's worth: (event, lead hours) each. A
        pass with nothing owed only reads."""
        nearest_first = sorted(CHASE_LEADS)
        with session(self.engine) as db, db.begin():
            candidates = key_uncovered(
                db,
                team_id=team_id,
                starts_after=now,
                leads=[(later(now, lead), lead_hours(lead)) for lead in nearest_first],
                limit=CANDIDATES,
            )
            claimed: list[tuple[Event, int]] = []
            for event, last, nearer in candidates:
                lead = chase_lead(event, now)
                if lead is None or len(claimed) == MAX_CHASED:
                    continue
                if not chase_owed(last, nearer, starts_at=event.starts_at, lead_time=lead, now=now):
                    continue
                if claim_chase(
                    db,
                    team_id=team_id,
                    event_id=saved_id(event),
                    lead_hours=lead_hours(lead),
                    last=last,
                    channel_id=channel_id,
                    starts_at=event.starts_at,
                    now=now,
                    lease_until=later(now, self.lease),
                    replica=self.replica,
                ):
                    claimed.append((event, lead_hours(lead)))
        return claimed

    def _finish(self, keys: list[tuple[int, int]], *, sent: bool, **fields: str | None) -> int:
        with session(self.engine) as db, db.begin():
            return finish_chases(db, keys=keys, replica=self.replica, sent=sent, **fields)
