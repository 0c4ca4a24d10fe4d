"""Delivering reminders: claim a due row, check its event again, post it, record the outcome.

Every replica runs this; the claim (see storage.reminders) makes each row go out once. Each
channel is worked by its own thread, paced to one message a second as Slack asks, so that a
summit morning's burst across many channels is limited by Slack's rate, not by ours.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from blocks.reminder import reminder_message, undeliverable_message
from domain.reminders import ON_TIME, is_personal, lateness_limit, lead_phrase, remaining_phrase, why_no_reminders
from domain.vocabulary import ReminderStatus
from domain.zones import earlier, later
from infra.slack_failures import (
    SLACK_FAILURES,
    is_auth_failure,
    is_channel_unreachable,
    is_transient,
    is_user_unreachable,
    may_have_succeeded,
    retry_after,
    slack_error,
)
from storage.db import is_unavailable, session
from storage.follows import follower_zone
from storage.models import Event, Reminder, saved_id
from storage.reminders import (
    claim_next,
    due_channels,
    extend,
    finish,
    hold_channel,
    let_go_channel,
    next_wakeup,
    release_all,
    supersede_overdue,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Retries after network errors and 5xx: doubling from `retry_base`, at most this far apart,
# for as long as the reminder would still be on time enough, and this many attempts at most.
MAX_RETRY_DELAY = timedelta(minutes=5)
MAX_ATTEMPTS = 30
MAX_CHANNEL_THREADS = 64
# A post whose answer never came, or came as a server error, may have gone out all the same
# (Slack: internal_error means "some aspect of the operation may have succeeded"); such a row is
# marked `may_have_posted`. Before posting it again the deliverer looks for it in the channel,
# by the metadata every reminder carries.
METADATA_TYPE = "tripdesk_reminder"


def replica_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class ChannelPacer:
    """At most one message a second per channel, and silence while Slack says Retry-After.

    A channel's next post waits a full interval after the previous post's answer arrived, not
    after it was sent: Slack counted the previous post at some moment before its answer, so the
    two are at least an interval apart at Slack whatever the network did in between. A fixed
    margin over the send time is not enough under load, and each 429 costs a whole second."""

    def __init__(self, interval: float = 1.0):
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def take_turn(self, channel: str, stop: threading.Event) -> bool:
        """Wait for the channel's next slot and reserve it; False if stopping."""
        while True:
            with self._lock:
                delay = self._next.get(channel, 0.0) - time.monotonic()
                if delay <= 0:
                    self._next[channel] = time.monotonic() + self.interval
                    return True
            if stop.wait(delay):
                return False

    def answered(self, channel: str) -> None:
        """Slack has answered the channel's latest post."""
        with self._lock:
            self._next[channel] = max(self._next.get(channel, 0.0), time.monotonic() + self.interval)

    def back_off(self, channel: str, seconds: float) -> None:
        with self._lock:
            self._next[channel] = max(self._next.get(channel, 0.0), time.monotonic() + seconds)


@dataclass
class Report:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    superseded: int = 0
    outcomes: list[tuple[int, str]] = field(default_factory=list)


class ReminderDeliverer:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        lease: timedelta = timedelta(seconds=60),
        replica: str | None = None,
        pacer: ChannelPacer | None = None,
        retry_base: float = 5.0,
    ):
        self.engine = engine
        self.client = client
        self.clock = clock
        self.lease = lease
        self.replica = replica or replica_name()
        self.pacer = pacer or ChannelPacer()
        self.retry_base = retry_base
        self.paused: str | None = None
        self.on_idle: Callable[[datetime | None], None] = lambda _next: None
        self._stop = threading.Event()
        self._wanted = threading.Event()
        self._running = threading.Lock()
        self._report_lock = threading.Lock()
        self._posting: set[int] = set()

    # -- running -------------------------------------------------------------------------------
    def run_once(self) -> Report | None:
        """Deliver everything due now. A call while a run is going makes that run look again."""
        self._wanted.set()
        if not self._running.acquire(blocking=False):
            return None
        report = Report()
        try:
            self._deliver_due(report)
            wakeup = self.next_wakeup()
        except SQLAlchemyError as error:
            if not is_unavailable(error):
                raise
            # Nothing is lost: the rows wait in the database, and the next sweep looks again.
            log.warning("database unavailable, reminders wait for the next sweep: %s", type(error).__name__)
            return None
        finally:
            self._running.release()
        self.on_idle(wakeup)
        return report

    def _deliver_due(self, report: Report) -> None:
        while self._wanted.is_set() and not self._stop.is_set() and not self._still_paused():
            self._wanted.clear()
            now = self.clock()
            with session(self.engine) as db, db.begin():
                report.superseded += supersede_overdue(db, now=now)
                channels = due_channels(db, now=now, replica=self.replica)
            if not channels:
                break
            with ThreadPoolExecutor(
                max_workers=min(len(channels), MAX_CHANNEL_THREADS), thread_name_prefix="remind"
            ) as pool:
                list(pool.map(lambda channel: self._drain_safely(channel, report), channels))
            self._wanted.set()  # rows may have come due while this pass ran

    def next_wakeup(self) -> datetime | None:
        with session(self.engine) as db:
            return next_wakeup(db, now=self.clock(), replica=self.replica)

    def stop(self, wait: float = 6.0) -> int:
        """Stop delivering and give back what this replica has claimed but not posted.

        Posts already on the wire are let finish (the Slack client times out in 5 s), so that a
        row is never both posted here and handed to another replica.
        """
        self._stop.set()
        acquired = self._running.acquire(timeout=wait)
        try:
            with session(self.engine) as db, db.begin():
                released = release_all(db, replica=self.replica, keep=sorted(self._posting))
        finally:
            if acquired:
                self._running.release()
        if released:
            log.info("released %d claimed reminders on shutdown", released)
        return released

    def _still_paused(self) -> bool:
        if self.paused is None:
            return False
        try:
            self.client.auth_test()
        except SLACK_FAILURES:
            return True
        log.warning("Slack accepts the bot token again: reminder delivery resumes")
        self.paused = None
        return False

    # -- one channel ---------------------------------------------------------------------------
    def _drain_safely(self, channel: str, report: Report) -> None:
        try:
            self._drain(channel, report)
        except OperationalError:
            # The database kept refusing: what is left stays due and the next pass takes it.
            log.exception("reminder channel pass failed channel=%s", channel)

    def _drain(self, channel: str, report: Report) -> None:
        try:
            self._drain_held(channel, report)
        finally:
            retrying(partial(self._let_go, channel))

    def _drain_held(self, channel: str, report: Report) -> None:
        while not self._stop.is_set() and self.paused is None:
            now = self.clock()
            reminder_id = retrying(partial(self._claim, channel, now))
            if reminder_id is None:
                return
            try:
                outcome = self._deliver(reminder_id)
            except Exception:
                # Whatever went wrong, the row must not stay claimed until its lease runs out.
                log.exception("reminder delivery crashed reminder=%s channel=%s", reminder_id, channel)
                outcome = self._finish(reminder_id, ReminderStatus.FAILED, last_error="internal error while delivering")
            with self._report_lock:
                report.outcomes.append((reminder_id, outcome))
                if outcome in ("sent", "skipped", "failed", "retried"):
                    setattr(report, outcome, getattr(report, outcome) + 1)

    def _claim(self, channel: str, now: datetime) -> int | None:
        """The next due reminder of `channel`, claimed; None when there is none, or when another
        replica is posting to the channel (it takes the rest too)."""
        lease_until = later(now, self.lease)
        with session(self.engine) as db, db.begin():
            if not hold_channel(db, channel_id=channel, replica=self.replica, now=now, until=lease_until):
                return None
            return claim_next(db, channel_id=channel, now=now, lease_until=lease_until, replica=self.replica)

    def _let_go(self, channel: str) -> None:
        until = later(self.clock(), timedelta(seconds=self.pacer.interval))
        with session(self.engine) as db, db.begin():
            let_go_channel(db, channel_id=channel, replica=self.replica, until=until)

    def _deliver(self, reminder_id: int) -> str:
        with session(self.engine) as db:
            reminder = db.get(Reminder, reminder_id)
            event = db.get(Event, reminder.event_id) if reminder else None
        if reminder is None or event is None:
            # Rows are not deleted while claimed (a deleted event is only marked so): say it loudly.
            raise LookupError(f"claimed reminder {reminder_id} or its event is no longer in the database")
        now = self.clock()
        reason = self._skip_reason(reminder, event, now)
        if reason:
            log.info("reminder skipped reminder=%s event=%s reason=%s", reminder_id, event.id, reason)
            return self._finish(reminder_id, ReminderStatus.SKIPPED, last_error=reason, may_have_posted=False)
        expected = earlier(event.starts_at, timedelta(minutes=reminder.lead_minutes))
        if expected != reminder.due_at:
            # The event moved while this row was claimed: put it back at its new time.
            return self._finish(reminder_id, ReminderStatus.PENDING, due_at=expected, attempts=0)

        late = now - reminder.due_at > ON_TIME
        phrase = remaining_phrase(event.starts_at, now) if late else lead_phrase(reminder.lead_minutes)
        reader_tz = self._follower_zone(reminder) if is_personal(reminder.channel_id) else None
        message = reminder_message(event, phrase=phrase, late=late, reader_tz=reader_tz)
        # A personal reminder goes to the follower's DM, where the event has no thread.
        thread_ts = event.thread_ts if event.thread_ts and reminder.channel_id == event.channel_id else None
        return self._post(reminder, event, message, thread_ts, late)

    def _follower_zone(self, reminder: Reminder) -> str | None:
        with session(self.engine) as db:
            return follower_zone(db, team_id=reminder.team_id, user_id=reminder.channel_id)

    def _skip_reason(self, reminder: Reminder, event: Event, now: datetime) -> str | None:
        reason = why_no_reminders(event)
        if reason:
            return reason
        if reminder.lead_minutes > 0 and now >= event.starts_at:
            return "the event had already started"
        lateness = now - reminder.due_at
        limit = lateness_limit(reminder.lead_minutes)
        if lateness > limit:
            late, allowed = int(lateness.total_seconds() // 60), int(limit.total_seconds() // 60)
            return f"too late: {late} min after its due time (limit {allowed} min)"
        return None

    def _post(self, reminder: Reminder, event: Event, message: dict, thread_ts: str | None, late: bool) -> str:
        reminder_id, channel = saved_id(reminder), reminder.channel_id
        if reminder.may_have_posted:
            try:
                ts = self._already_posted(reminder, thread_ts)
            except SLACK_FAILURES as error:
                return self._retry_later(
                    reminder, f"could not check the channel: {slack_error(error)}", may_have_posted=True
                )
            if ts is not None:
                log.info("reminder had been sent after all reminder=%s channel=%s ts=%s", reminder_id, channel, ts)
                return self._sent(reminder_id, ts=ts, late=late)
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"reminder_id": reminder_id}}
        while True:
            if not self.pacer.take_turn(channel, self._stop):
                return self._finish(reminder_id, ReminderStatus.PENDING, attempts=reminder.attempts - 1)
            self._posting.add(reminder_id)
            try:
                response = self.client.chat_postMessage(
                    channel=channel, unfurl_links=False, metadata=metadata, thread_ts=thread_ts, **message
                )
            except SLACK_FAILURES as error:
                wait = retry_after(error)
                if wait is not None:
                    log.info("rate limited channel=%s retry_after=%s reminder=%s", channel, wait, reminder_id)
                    self.pacer.back_off(channel, wait)
                    until = later(self.clock(), self.lease + timedelta(seconds=wait))
                    retrying(partial(self._extend, reminder_id, channel, until))
                    continue
                return self._refused(reminder, event, error)
            finally:
                self._posting.discard(reminder_id)
                self.pacer.answered(channel)
            log.info("reminder sent reminder=%s event=%s channel=%s late=%s", reminder_id, event.id, channel, late)
            return self._sent(reminder_id, ts=response.get("ts"), late=late)

    def _extend(self, reminder_id: int, channel: str, lease_until: datetime) -> None:
        with session(self.engine) as db, db.begin():
            extend(db, reminder_id=reminder_id, replica=self.replica, lease_until=lease_until)
            hold_channel(db, channel_id=channel, replica=self.replica, now=self.clock(), until=lease_until)

    def _refused(self, reminder: Reminder, event: Event, error: Exception) -> str:
        """What to do with a reminder whose post failed for another reason than the rate limit."""
        reminder_id, channel, code = saved_id(reminder), reminder.channel_id, slack_error(error)
        if isinstance(error, OSError):  # the network: refused, reset, timed out
            return self._retry_later(reminder, f"network: {code}", may_have_posted=may_have_succeeded(error))
        if is_personal(channel) and is_user_unreachable(code):
            # The follower left or cannot be written to: nobody to tell but the log.
            log.warning(
                "personal reminder given up: the user cannot get DMs reminder=%s event=%s user=%s error=%s",
                reminder_id,
                event.id,
                channel,
                code,
            )
            return self._finish(reminder_id, ReminderStatus.FAILED, last_error=code, may_have_posted=False)
        if is_channel_unreachable(code):
            log.error(
                "reminder undeliverable reminder=%s event=%s channel=%s error=%s", reminder_id, event.id, channel, code
            )
            self._tell_creator(event, channel, code)
            return self._finish(reminder_id, ReminderStatus.FAILED, last_error=code, may_have_posted=False)
        if is_auth_failure(code):
            self.paused = code
            log.critical(
                "Slack refused the bot token (%s): ALL reminder delivery is paused until it is accepted again", code
            )
            return self._finish(
                reminder_id,
                ReminderStatus.PENDING,
                attempts=reminder.attempts - 1,
                last_error=code,
                may_have_posted=False,
            )
        if is_transient(error):
            return self._retry_later(reminder, code, may_have_posted=may_have_succeeded(error))
        log.error("reminder refused by Slack reminder=%s channel=%s error=%s", reminder_id, channel, code)
        return self._finish(reminder_id, ReminderStatus.FAILED, last_error=code, may_have_posted=False)

    def _sent(self, reminder_id: int, *, ts: str | None, late: bool) -> str:
        return self._finish(
            reminder_id,
            ReminderStatus.SENT,
            message_ts=ts,
            sent_at=self.clock(),
            late=late,
            last_error=None,
            may_have_posted=False,
        )

    def _already_posted(self, reminder: Reminder, thread_ts: str | None) -> str | None:
        """The ts of this reminder's message if an earlier, unanswered attempt did post it."""
        oldest = f"{earlier(reminder.due_at, timedelta(minutes=1)).timestamp():.6f}"
        try:
            if thread_ts:
                response = self.client.conversations_replies(
                    channel=reminder.channel_id, ts=thread_ts, oldest=oldest, include_all_metadata=True, limit=200
                )
            else:
                response = self.client.conversations_history(
                    channel=dm_channel(self.client, reminder.channel_id),
                    oldest=oldest,
                    include_all_metadata=True,
                    limit=200,
                )
        except SlackApiError as error:
            code = slack_error(error)
            if code == "missing_scope" or is_channel_unreachable(code) or is_user_unreachable(code):
                log.warning("cannot look for an earlier post reminder=%s error=%s: posting", reminder.id, code)
                return None
            raise
        messages: list[dict[str, Any]] = response.get("messages") or []
        for message in messages:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_TYPE
                and (metadata.get("event_payload") or {}).get("reminder_id") == reminder.id
            ):
                return message.get("ts")
        return None

    def _retry_later(self, reminder: Reminder, error: str, *, may_have_posted: bool) -> str:
        """Slack is down or unreachable: try again while the reminder can still be useful."""
        reminder_id = saved_id(reminder)
        # An earlier attempt may still have posted it, whatever this one did.
        may_have_posted = may_have_posted or reminder.may_have_posted
        delay = min(timedelta(seconds=self.retry_base * 2 ** min(reminder.attempts - 1, 16)), MAX_RETRY_DELAY)
        too_late = self.clock() + delay - reminder.due_at > lateness_limit(reminder.lead_minutes)
        if reminder.attempts >= MAX_ATTEMPTS or too_late:
            log.error("reminder failed after %d attempts reminder=%s error=%s", reminder.attempts, reminder_id, error)
            return self._finish(
                reminder_id,
                ReminderStatus.FAILED,
                last_error=f"gave up after {reminder.attempts} attempts: {error}"[:500],
                may_have_posted=may_have_posted,
            )
        log.warning("reminder will be retried reminder=%s in=%ss error=%s", reminder_id, delay.total_seconds(), error)
        self._finish(
            reminder_id,
            ReminderStatus.PENDING,
            next_attempt_at=self.clock() + delay,
            last_error=error[:500],
            may_have_posted=may_have_posted,
        )
        return "retried"

    def _finish(self, reminder_id: int, status: ReminderStatus, **fields: Any) -> str:
        def record() -> None:
            with session(self.engine) as db, db.begin():
                if not finish(db, reminder_id=reminder_id, replica=self.replica, status=status, **fields):
                    log.error("reminder %s was taken over by another replica before it finished here", reminder_id)

        retrying(record)
        return status.value

    def _tell_creator(self, event: Event, channel: str, code: str) -> None:
        if event.created_by[:1] not in ("U", "W"):
            return
        try:
            self.client.chat_postMessage(
                channel=event.created_by, **undeliverable_message(event, channel_id=channel, error=code)
            )
        except SLACK_FAILURES as error:
            log.error("could not tell the creator user=%s event=%s: %s", event.created_by, event.id, error)


def dm_channel(client: WebClient, channel: str) -> str:
    """The channel to read for messages posted to `channel`: a post to a user id lands in the
    bot's DM with them, whose own id (D…) conversations.history needs."""
    if not is_personal(channel):
        return channel
    response = client.conversations_open(users=channel)
    return str((response.get("channel") or {}).get("id") or channel)


def retrying(work: Callable[[], T], attempts: int = 8) -> T:
    """Run a short database transaction again when it collides with another replica's: SQLite
    answers "database is locked" when a concurrent writer moved its snapshot on, without
    waiting; PostgreSQL may report a deadlock between two claims."""
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable: the last attempt returns or raises")
