"""Delivering follow notices: claim one, post it as a DM to the follower, record the outcome.

Every replica runs this; the claim (see storage.follows) makes each notice go out once. The
notices themselves were written with the change they tell of, so none is lost to a restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from blocks.follows import notice_dm
from domain.follows import DELETED, MORE
from domain.vocabulary import ReminderStatus
from domain.zones import earlier, later
from infra.slack_failures import (
    SLACK_FAILURES,
    is_auth_failure,
    is_transient,
    is_user_unreachable,
    may_have_succeeded,
    retry_after,
    slack_error,
)
from jobs.reminders import dm_channel, replica_name, retrying
from storage.db import is_unavailable, session
from storage.follows import claim_notice, finish_notice, follower_zone, next_notice_at, release_notices
from storage.models import Event, FollowNotice, saved_id

log = logging.getLogger(__name__)

# Retries after network errors and 5xx: doubling from `retry_base`, at most this far apart,
# this many attempts at most (a day's worth at the longest delay is far more than an outage).
MAX_RETRY_DELAY = timedelta(minutes=10)
MAX_ATTEMPTS = 20
METADATA_TYPE = "tripdesk_follow_notice"


@dataclass
class NoticeReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0


class FollowNotifier:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        newsroom_tz: str,
        lease: timedelta = timedelta(seconds=60),
        replica: str | None = None,
        retry_base: float = 5.0,
    ):
        self.engine = engine
        self.client = client
        self.clock = clock
        self.newsroom_tz = newsroom_tz
        self.lease = lease
        self.replica = replica or replica_name()
        self.retry_base = retry_base
        self._stop = threading.Event()
        self._running = threading.Lock()
        self._posting: set[int] = set()
        self._paused = False

    def run_once(self) -> NoticeReport | None:
        """Post every notice due now; None if a run is already going, or the database is down
        (the notices wait for the next sweep)."""
        if not self._running.acquire(blocking=False):
            return None
        report = NoticeReport()
        try:
            self._paused = False
            while not self._stop.is_set() and not self._paused:
                now = self.clock()
                notice_id = retrying(partial(self._claim, now))
                if notice_id is None:
                    break
                try:
                    outcome = self._deliver(notice_id)
                except Exception:
                    log.exception("follow notice delivery crashed notice=%s", notice_id)
                    outcome = self._finish(
                        notice_id, ReminderStatus.FAILED, last_error="internal error while delivering"
                    )
                if outcome in ("sent", "skipped", "failed", "retried"):
                    setattr(report, outcome, getattr(report, outcome) + 1)
        except SQLAlchemyError as error:
            if not is_unavailable(error):
                raise
            log.warning("database unavailable, follow notices wait for the next sweep: %s", type(error).__name__)
            return None
        finally:
            self._running.release()
        return report

    def next_wakeup(self) -> datetime | None:
        with session(self.engine) as db:
            return next_notice_at(db)

    def stop(self, wait: float = 6.0) -> int:
        """Stop, and give back what this replica claimed but is not posting."""
        self._stop.set()
        acquired = self._running.acquire(timeout=wait)
        try:
            with session(self.engine) as db, db.begin():
                released = release_notices(db, replica=self.replica, keep=sorted(self._posting))
        finally:
            if acquired:
                self._running.release()
        return released

    def _claim(self, now: datetime) -> int | None:
        with session(self.engine) as db, db.begin():
            return claim_notice(db, now=now, lease_until=later(now, self.lease), replica=self.replica)

    def _deliver(self, notice_id: int) -> str:
        with session(self.engine) as db:
            notice = db.get(FollowNotice, notice_id)
            event = db.get(Event, notice.event_id) if notice else None
            tz = follower_zone(db, team_id=notice.team_id, user_id=notice.user_id) if notice else None
        if notice is None or event is None:
            raise LookupError(f"claimed follow notice {notice_id} or its event is no longer in the database")
        if event.deleted_at is not None and notice.action not in (DELETED, MORE):
            # Its deletion has a notice of its own: a change to an event gone since says nothing.
            return self._finish(notice_id, ReminderStatus.SKIPPED, last_error="event deleted since")
        if notice.may_have_posted:
            try:
                if self._already_posted(notice):
                    log.info("follow notice had been sent after all notice=%s", notice_id)
                    return self._finish(notice_id, ReminderStatus.SENT, sent_at=self.clock(), may_have_posted=False)
            except SLACK_FAILURES as error:
                return self._retry_later(notice, f"could not check the DM: {slack_error(error)}", True)
        message = notice_dm(
            event, action=notice.action, summary=notice.summary, query=notice.query, reader_tz=tz or self.newsroom_tz
        )
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"notice_id": notice_id}}
        self._posting.add(notice_id)
        try:
            self.client.chat_postMessage(channel=notice.user_id, unfurl_links=False, metadata=metadata, **message)
        except SLACK_FAILURES as error:
            return self._refused(notice, error)
        finally:
            self._posting.discard(notice_id)
        log.info("follow notice sent notice=%s event=%s user=%s", notice_id, event.id, notice.user_id)
        return self._finish(
            notice_id, ReminderStatus.SENT, sent_at=self.clock(), last_error=None, may_have_posted=False
        )

    def _refused(self, notice: FollowNotice, error: Exception) -> str:
        notice_id, code = saved_id(notice), slack_error(error)
        wait = retry_after(error)
        if wait is not None:
            log.info("rate limited user=%s retry_after=%s notice=%s", notice.user_id, wait, notice_id)
            return self._finish(
                notice_id,
                ReminderStatus.PENDING,
                attempts=notice.attempts - 1,
                next_attempt_at=later(self.clock(), timedelta(seconds=wait)),
            )
        if isinstance(error, OSError):
            return self._retry_later(notice, f"network: {code}", may_have_succeeded(error))
        if is_user_unreachable(code):
            log.warning(
                "follow notice given up: the user cannot get DMs notice=%s user=%s error=%s",
                notice_id,
                notice.user_id,
                code,
            )
            return self._finish(notice_id, ReminderStatus.FAILED, last_error=code, may_have_posted=False)
        if is_auth_failure(code):
            self._paused = True
            log.critical("Slack refused the bot token (%s): follow notices wait until it is accepted again", code)
            return self._finish(notice_id, ReminderStatus.PENDING, attempts=notice.attempts - 1, last_error=code)
        if is_transient(error):
            return self._retry_later(notice, code, may_have_succeeded(error))
        log.error("follow notice refused by Slack notice=%s user=%s error=%s", notice_id, notice.user_id, code)
        return self._finish(notice_id, ReminderStatus.FAILED, last_error=code, may_have_posted=False)

    def _retry_later(self, notice: FollowNotice, error: str, may_have_posted: bool) -> str:
        notice_id = saved_id(notice)
        may_have_posted = may_have_posted or notice.may_have_posted
        if notice.attempts >= MAX_ATTEMPTS:
            log.error("follow notice failed after %d attempts notice=%s error=%s", notice.attempts, notice_id, error)
            return self._finish(
                notice_id,
                ReminderStatus.FAILED,
                last_error=f"gave up after {notice.attempts} attempts: {error}"[:500],
                may_have_posted=may_have_posted,
            )
        delay = min(timedelta(seconds=self.retry_base * 2 ** min(notice.attempts - 1, 16)), MAX_RETRY_DELAY)
        log.warning("follow notice will be retried notice=%s in=%ss error=%s", notice_id, delay.total_seconds(), error)
        self._finish(
            notice_id,
            ReminderStatus.PENDING,
            next_attempt_at=later(self.clock(), delay),
            last_error=error[:500],
            may_have_posted=may_have_posted,
        )
        return "retried"

    def _already_posted(self, notice: FollowNotice) -> bool:
        """Whether an earlier, unanswered attempt did post this notice in the DM."""
        oldest = f"{earlier(notice.created_at, timedelta(minutes=1)).timestamp():.6f}"
        try:
            response = self.client.conversations_history(
                channel=dm_channel(self.client, notice.user_id), oldest=oldest, include_all_metadata=True, limit=200
            )
        except SlackApiError as error:
            code = slack_error(error)
            if code == "missing_scope" or is_user_unreachable(code):
                log.warning("cannot look for an earlier DM notice=%s error=%s: posting", notice.id, code)
                return False
            raise
        messages: list[dict[str, Any]] = response.get("messages") or []
        return any(
            (message.get("metadata") or {}).get("event_type") == METADATA_TYPE
            and ((message.get("metadata") or {}).get("event_payload") or {}).get("notice_id") == notice.id
            for message in messages
        )

    def _finish(self, notice_id: int, status: ReminderStatus, **fields: Any) -> str:
        def record() -> None:
            with session(self.engine) as db, db.begin():
                if not finish_notice(db, notice_id=notice_id, replica=self.replica, status=status, **fields):
                    log.error("follow notice %s was taken over by another replica before it finished here", notice_id)

        retrying(record)
        return status.value
