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

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from blocks.reminder import reminder_message, undeliverable_message
from domain.reminders import ON_TIME, lateness_limit, lead_phrase, remaining_phrase, why_no_reminders
from domain.zones import earlier, later
from infra.slack_failures import SLACK_FAILURES, slack_error
from storage.db import is_unavailable, session
from storage.models import Event, Reminder
from storage.reminders import (
    FAILED,
    PENDING,
    SENT,
    SKIPPED,
    claim_next,
    due_channels,
    extend,
    finish,
    next_wakeup,
    release_all,
    supersede_overdue,
)

log = logging.getLogger(__name__)

PERMANENT = {"channel_not_found", "not_in_channel", "is_archived"}
AUTH = {"invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired"}
TRANSIENT = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
# Retries after network errors and 5xx: doubling from `retry_base`, at most this far apart,
# for as long as the reminder would still be on time enough, and this many attempts at most.
MAX_RETRY_DELAY = timedelta(minutes=5)
MAX_ATTEMPTS = 30
MAX_CHANNEL_THREADS = 64
# A post whose answer never came, or came as a server error, may have gone out all the same
# (Slack: internal_error means "some aspect of the operation may have succeeded"). Before
# posting again the deliverer looks for it in the channel, by the metadata every reminder
# carries.
UNCERTAIN = "uncertain: "
METADATA_TYPE = "tripdesk_reminder"


def replica_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class ChannelPacer:
    """At most one message a second per channel, and silence while Slack says Retry-After.

    The interval has a small margin over Slack's one second, so that network jitter does not
    bring two posts closer than Slack counts."""

    def __init__(self, interval: float = 1.05):
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
                channels = due_channels(db, now=now)
            if not channels:
                break
            with ThreadPoolExecutor(
                max_workers=min(len(channels), MAX_CHANNEL_THREADS), thread_name_prefix="remind"
            ) as pool:
                list(pool.map(lambda channel: self._drain_safely(channel, report), channels))
            self._wanted.set()  # rows may have come due while this pass ran

    def next_wakeup(self) -> datetime | None:
        with session(self.engine) as db:
            return next_wakeup(db)

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
        while not self._stop.is_set() and self.paused is None:
            now = self.clock()
            reminder_id = _retrying(lambda now=now: self._claim(channel, now))
            if reminder_id is None:
                return
            try:
                outcome = self._deliver(reminder_id)
            except Exception:
                # Whatever went wrong, the row must not stay claimed until its lease runs out.
                log.exception("reminder delivery crashed reminder=%s channel=%s", reminder_id, channel)
                outcome = self._finish(reminder_id, FAILED, last_error="internal error while delivering")
            with self._report_lock:
                report.outcomes.append((reminder_id, outcome))
                if outcome in ("sent", "skipped", "failed", "retried"):
                    setattr(report, outcome, getattr(report, outcome) + 1)

    def _claim(self, channel: str, now: datetime) -> int | None:
        with session(self.engine) as db, db.begin():
            return claim_next(db, channel_id=channel, now=now, lease_until=later(now, self.lease), replica=self.replica)

    def _deliver(self, reminder_id: int) -> str:
        with session(self.engine) as db:
            reminder = db.get(Reminder, reminder_id)
            event = db.get(Event, reminder.event_id)
        now = self.clock()
        reason = self._skip_reason(reminder, event, now)
        if reason:
            log.info("reminder skipped reminder=%s event=%s reason=%s", reminder.id, event.id, reason)
            return self._finish(reminder.id, SKIPPED, last_error=reason)
        expected = earlier(event.starts_at, timedelta(minutes=reminder.lead_minutes))
        if expected != reminder.due_at:
            # The event moved while this row was claimed: put it back at its new time.
            return self._finish(reminder.id, PENDING, due_at=expected, attempts=0)

        late = now - reminder.due_at > ON_TIME
        phrase = remaining_phrase(event.starts_at, now) if late else lead_phrase(reminder.lead_minutes)
        message = reminder_message(event, phrase=phrase, late=late)
        thread = {"thread_ts": event.thread_ts} if event.thread_ts and reminder.channel_id == event.channel_id else {}
        return self._post(reminder, event, message, thread, late)

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

    def _post(self, reminder: Reminder, event: Event, message: dict, thread: dict, late: bool) -> str:
        channel = reminder.channel_id
        if (reminder.last_error or "").startswith(UNCERTAIN):
            try:
                ts = self._already_posted(reminder, thread)
            except SLACK_FAILURES as error:
                return self._retry_later(reminder, f"{UNCERTAIN}could not check the channel: {slack_error(error)}")
            if ts is not None:
                log.info("reminder had been sent after all reminder=%s channel=%s ts=%s", reminder.id, channel, ts)
                return self._finish(reminder.id, SENT, message_ts=ts, sent_at=self.clock(), late=late, last_error=None)
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"reminder_id": reminder.id}}
        while True:
            if not self.pacer.take_turn(channel, self._stop):
                return self._finish(reminder.id, PENDING, attempts=reminder.attempts - 1)
            self._posting.add(reminder.id)
            try:
                response = self.client.chat_postMessage(
                    channel=channel, unfurl_links=False, metadata=metadata, **thread, **message
                )
            except SlackApiError as error:
                code = error.response.get("error") or f"HTTP {error.response.status_code}"
                if error.response.status_code == 429 or code == "ratelimited":
                    retry_after = float(error.response.headers.get("Retry-After", 1) or 1)
                    log.info("rate limited channel=%s retry_after=%s reminder=%s", channel, retry_after, reminder.id)
                    self.pacer.back_off(channel, retry_after)
                    with session(self.engine) as db, db.begin():
                        extend(
                            db,
                            reminder_id=reminder.id,
                            replica=self.replica,
                            lease_until=later(self.clock(), self.lease + timedelta(seconds=retry_after)),
                        )
                    continue
                if code in PERMANENT:
                    log.error(
                        "reminder undeliverable reminder=%s event=%s channel=%s error=%s",
                        reminder.id,
                        event.id,
                        channel,
                        code,
                    )
                    self._tell_creator(event, channel, code)
                    return self._finish(reminder.id, FAILED, last_error=code)
                if code in AUTH:
                    self.paused = code
                    log.critical(
                        "Slack refused the bot token (%s): ALL reminder delivery is paused until it is accepted again",
                        code,
                    )
                    return self._finish(reminder.id, PENDING, attempts=reminder.attempts - 1, last_error=code)
                if error.response.status_code >= 500 or code in TRANSIENT:
                    maybe_posted = code in ("internal_error", "fatal_error") or error.response.status_code in (
                        500,
                        502,
                        504,
                    )
                    return self._retry_later(reminder, UNCERTAIN + code if maybe_posted else code)
                log.error("reminder refused by Slack reminder=%s channel=%s error=%s", reminder.id, channel, code)
                return self._finish(reminder.id, FAILED, last_error=code)
            except OSError as error:  # connection refused, reset, timed out
                refused = isinstance(getattr(error, "reason", error), ConnectionRefusedError)
                return self._retry_later(reminder, ("" if refused else UNCERTAIN) + f"network: {slack_error(error)}")
            finally:
                self._posting.discard(reminder.id)
            log.info("reminder sent reminder=%s event=%s channel=%s late=%s", reminder.id, event.id, channel, late)
            return self._finish(
                reminder.id, SENT, message_ts=response.get("ts"), sent_at=self.clock(), late=late, last_error=None
            )

    def _already_posted(self, reminder: Reminder, thread: dict) -> str | None:
        """The ts of this reminder's message if an earlier, unanswered attempt did post it."""
        since = {
            "oldest": f"{earlier(reminder.due_at, timedelta(minutes=1)).timestamp():.6f}",
            "include_all_metadata": True,
            "limit": 200,
        }
        try:
            if thread:
                response = self.client.conversations_replies(
                    channel=reminder.channel_id, ts=thread["thread_ts"], **since
                )
            else:
                response = self.client.conversations_history(channel=reminder.channel_id, **since)
        except SlackApiError as error:
            if error.response.get("error") in ("missing_scope", "not_in_channel", "channel_not_found"):
                log.warning(
                    "cannot look for an earlier post reminder=%s error=%s: posting",
                    reminder.id,
                    error.response.get("error"),
                )
                return None
            raise
        for message in response.get("messages", []):
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_TYPE
                and (metadata.get("event_payload") or {}).get("reminder_id") == reminder.id
            ):
                return message.get("ts")
        return None

    def _retry_later(self, reminder: Reminder, error: str) -> str:
        """Slack is down or unreachable: try again while the reminder can still be useful."""
        if (reminder.last_error or "").startswith(UNCERTAIN) and not error.startswith(UNCERTAIN):
            error = UNCERTAIN + error  # an earlier attempt may still have posted it
        delay = min(timedelta(seconds=self.retry_base * 2 ** min(reminder.attempts - 1, 16)), MAX_RETRY_DELAY)
        too_late = self.clock() + delay - reminder.due_at > lateness_limit(reminder.lead_minutes)
        if reminder.attempts >= MAX_ATTEMPTS or too_late:
            log.error("reminder failed after %d attempts reminder=%s error=%s", reminder.attempts, reminder.id, error)
            return self._finish(
                reminder.id, FAILED, last_error=f"gave up after {reminder.attempts} attempts: {error}"[:500]
            )
        log.warning("reminder will be retried reminder=%s in=%ss error=%s", reminder.id, delay.total_seconds(), error)
        self._finish(reminder.id, PENDING, next_attempt_at=self.clock() + delay, last_error=error[:500])
        return "retried"

    def _finish(self, reminder_id: int, status: str, **fields) -> str:
        def record() -> None:
            with session(self.engine) as db, db.begin():
                if not finish(db, reminder_id=reminder_id, replica=self.replica, status=status, **fields):
                    log.error("reminder %s was taken over by another replica before it finished here", reminder_id)

        _retrying(record)
        return status

    def _tell_creator(self, event: Event, channel: str, code: str) -> None:
        if event.created_by[:1] not in ("U", "W"):
            return
        try:
            self.client.chat_postMessage(
                channel=event.created_by, **undeliverable_message(event, channel_id=channel, error=code)
            )
        except (SlackApiError, OSError) as error:
            log.error("could not tell the creator user=%s event=%s: %s", event.created_by, event.id, error)


def _retrying(work: Callable, attempts: int = 8):
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
