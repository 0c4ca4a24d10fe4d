"""Calendar feeds the desk subscribes to, kept in sync with the schedule.

A sync claims the feed (storage.subscriptions), fetches it outside any transaction with the
validators of the last good answer (an unchanged feed costs a 304 and changes nothing), and
imports it under the import rule in one transaction together with the feed's new state
(services.importing): the events it brings are the feed's, and its upcoming events it no longer
has are cancelled. A feed that cannot be read changes nothing but its own row: the error, since
when, and when to try again.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func
from sqlmodel import Session, col

from domain.subscriptions import BadFeedAddress, FeedState, SyncResult, default_name, feed_address
from domain.zones import earlier, later
from infra.config import Settings
from infra.logs import redact
from services.fetching import FetchFailed, fetch, shown_url
from services.importing import FETCH_DEADLINE, ImportFailed, ImportReport, import_calendar
from storage.db import session
from storage.models import FeedSubscription, saved_id
from storage.subscriptions import (
    add_subscription,
    claim,
    claim_failure_notices,
    finish,
    get_subscription,
    list_subscriptions,
    remove_subscription,
    unmark_failure_notice,
)

if TYPE_CHECKING:
    from domain.ical import Problem  # not at start: see services.importing.import_calendar

log = logging.getLogger(__name__)

ACTOR = "import"
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_FEED_EVENTS = 5000
# Longer than a fetch may take (its deadline) and the import after it: a lease that ran out
# mid-sync would let another replica fetch the same feed.
LEASE = timedelta(minutes=5)
# A feed failing this long is posted once to the desk's channel.
FAILURE_NOTICE_AFTER = timedelta(hours=1)
ERROR_CHARS = 500
UNCHANGED = "Unchanged since the last sync"


class FeedRefused(Exception):
    """The command cannot be done; the message says why in one line, already mrkdwn-safe
    apart from what the caller escapes."""


class _Lost(Exception):
    """The claim ran out, or the feed was removed, while it was being synced."""


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class SyncOptions:
    """What a sync needs from the settings, and the limits of its fetch."""

    fallback_tz: str
    default_channel: str | None
    every: timedelta  # from one sync of a feed to the next
    deadline: float = FETCH_DEADLINE
    # Far more than a ministry's or a summit's calendar: what a feed may cost a sync is bounded.
    max_bytes: int = MAX_FEED_BYTES
    max_events: int = MAX_FEED_EVENTS
    lease: timedelta = LEASE
    # Feeds on loopback and private addresses (TRIPDESK_FEEDS_PRIVATE): refused unless allowed.
    private: bool = False

    @classmethod
    def of(cls, settings: Settings, **limits) -> SyncOptions:
        return cls(
            fallback_tz=settings.newsroom_tz.key,
            default_channel=settings.default_channel,
            every=timedelta(minutes=settings.feed_sync_minutes),
            private=settings.feeds_private,
            **limits,
        )


# -- the commands ------------------------------------------------------------------------------
def list_feeds(engine: Engine, *, team_id: str) -> list[FeedState]:
    with session(engine) as db:
        return [_state(number, row) for number, row in enumerate(list_subscriptions(db, team_id=team_id), start=1)]


def add_feed(engine: Engine, *, team_id: str, address: str, name: str, added_by: str, now: datetime) -> FeedState:
    """Subscribe the workspace to the calendar at `address` (http, https or webcal); it is due
    at once. Raises FeedRefused for an address that cannot be followed or is already."""
    try:
        url = feed_address(address)
    except BadFeedAddress as error:
        raise FeedRefused(str(error)) from None
    with session(engine) as db, db.begin():
        row = add_subscription(
            db, team_id=team_id, url=url, name=name.strip() or default_name(url), added_by=added_by, now=now
        )
        if row is None:
            feeds = list_subscriptions(db, team_id=team_id)
            number = next(n for n, feed in enumerate(feeds, start=1) if feed.url == url)
            raise FeedRefused(f"That calendar is already feed {number}, “{feeds[number - 1].name}”.")
        return _state(len(list_subscriptions(db, team_id=team_id)), row)


def remove_feed(engine: Engine, *, team_id: str, number: int) -> tuple[str, int]:
    """Unsubscribe feed `number` (as `/trip feeds` lists it). Its events stay on the schedule,
    no longer the feed's; returns the feed's name and how many events it had brought."""
    with session(engine) as db, db.begin():
        feeds = list_subscriptions(db, team_id=team_id)
        if not 1 <= number <= len(feeds):
            raise FeedRefused(_no_such_feed(number, len(feeds)))
        row = feeds[number - 1]
        kept = remove_subscription(db, team_id=team_id, subscription_id=saved_id(row))
        return row.name, kept


def feed_ids(engine: Engine, *, team_id: str) -> list[int]:
    with session(engine) as db:
        return [saved_id(row) for row in list_subscriptions(db, team_id=team_id)]


def _no_such_feed(number: int, count: int) -> str:
    if count == 0:
        return "There are no calendar feeds yet: `/trip feeds add <url> [name]`."
    return f"There is no feed {number}: `/trip feeds` lists {count}."


# -- syncing ----------------------------------------------------------------------------------
def claim_due(engine: Engine, *, now: datetime, replica: str, options: SyncOptions) -> int | None:
    """Claim the feed longest due for a sync, for `sync_claimed`; None when none is due."""
    with session(engine) as db, db.begin():
        return claim(db, now=now, lease_until=later(now, options.lease), replica=replica)


def sync_now(
    engine: Engine,
    *,
    subscription_id: int,
    replica: str,
    clock: Callable[[], datetime],
    options: SyncOptions,
    on_change: Callable[[], None] = _nothing,
) -> SyncResult | None:
    """Sync one feed now, due or not; None if another sync holds it (or it was removed)."""
    now = clock()
    with session(engine) as db, db.begin():
        claimed = claim(
            db, now=now, lease_until=later(now, options.lease), replica=replica, subscription_id=subscription_id
        )
    if claimed is None:
        return None
    return sync_claimed(
        engine, subscription_id=claimed, replica=replica, clock=clock, options=options, on_change=on_change
    )


def sync_claimed(
    engine: Engine,
    *,
    subscription_id: int,
    replica: str,
    clock: Callable[[], datetime],
    options: SyncOptions,
    on_change: Callable[[], None] = _nothing,
) -> SyncResult | None:
    """Fetch and import a feed this replica has claimed, then record the outcome on the feed
    and let the claim go. None if the feed was removed or taken over meanwhile."""
    with session(engine) as db:
        row = get_subscription(db, subscription_id=subscription_id)
    if row is None:
        return None
    shown = shown_url(row.url)
    conditional = {"Accept": "text/calendar, */*;q=0.5"}
    if row.etag:
        conditional["If-None-Match"] = row.etag
    if row.last_modified:
        conditional["If-Modified-Since"] = row.last_modified
    try:
        fetched = fetch(
            row.url,
            max_bytes=options.max_bytes,
            deadline=options.deadline,
            headers=conditional,
            public_only=not options.private,
        )
    except FetchFailed as error:
        return _failed(engine, row, replica=replica, now=clock(), options=options, reason=str(error))
    now = clock()
    if fetched.status == 304:
        done = _done(engine, row, replica=replica, now=now, options=options, report=UNCHANGED)
        return SyncResult(row.name, shown, ok=True, line=UNCHANGED) if done else None

    def keep_state(db: Session, report: ImportReport) -> None:
        # With the import, or not at all: validators saved without the events they describe
        # would make the next fetch a 304 that never brings them.
        if not finish(
            db,
            subscription_id=saved_id(row),
            replica=replica,
            **_success(now, options, feed_report(report)),
            etag=(fetched.headers.get("etag") or "")[:500] or None,
            last_modified=(fetched.headers.get("last-modified") or "")[:100] or None,
        ):
            raise _Lost

    try:
        report = import_calendar(
            engine,
            team_id=row.team_id,
            data=fetched.content,
            fallback_tz=options.fallback_tz,
            actor=ACTOR,
            now=now,
            default_channel=options.default_channel,
            source=row.name,
            feed_id=saved_id(row),
            then=keep_state,
            on_change=on_change,
            max_events=options.max_events,
        )
    except ImportFailed as error:
        # The parser's reason may quote the schedule (an event's UID or title): not for the logs.
        return _failed(
            engine, row, replica=replica, now=now, options=options, reason=str(error), logged="not importable"
        )
    except _Lost:
        log.warning("feed sync dropped: the feed was removed or taken over meanwhile feed=%s", row.id)
        return None
    log.info(
        "feed synced feed=%s team=%s created=%d updated=%d unchanged=%d cancelled=%d kept=%d skipped=%d flagged=%d",
        row.id,
        row.team_id,
        report.created,
        report.updated,
        report.unchanged,
        report.cancelled,
        report.kept,
        len(report.skipped),
        len(report.flagged),
    )
    return SyncResult(row.name, shown, ok=True, line=feed_report(report), changed=report.changed)


def sync_all(
    engine: Engine,
    *,
    team_id: str,
    clock: Callable[[], datetime],
    options: SyncOptions,
    on_change: Callable[[], None] = _nothing,
    replica: str | None = None,
) -> list[tuple[str, SyncResult | None]]:
    """Sync every feed of the workspace now, one after the other (`/trip feeds sync`): each
    feed's name with its result, None when another sync was already at it. One feed's
    unexpected error is logged and reported as that feed's failure; the others go on."""
    replica = replica or command_replica()
    return [
        (feed.name, sync_safely(engine, feed=feed, replica=replica, clock=clock, options=options, on_change=on_change))
        for feed in list_feeds(engine, team_id=team_id)
    ]


def sync_safely(
    engine: Engine,
    *,
    feed: FeedState,
    replica: str,
    clock: Callable[[], datetime],
    options: SyncOptions,
    on_change: Callable[[], None] = _nothing,
) -> SyncResult | None:
    """`sync_now` for a request in Slack: an unexpected error is logged with the feed and
    reported as the feed's failure, and the feed waits for its next time."""
    try:
        return sync_now(
            engine, subscription_id=feed.id, replica=replica, clock=clock, options=options, on_change=on_change
        )
    except Exception:
        log.exception("feed sync failed unexpectedly feed=%s replica=%s", feed.id, replica)
        _give_up_quietly(engine, subscription_id=feed.id, replica=replica, now=clock(), options=options)
        return SyncResult(feed.name, feed.url, ok=False, line="could not sync: an unexpected error")


def command_replica() -> str:
    """Who holds a sync asked for in Slack: unique to the request, so that its claim is its own."""
    return f"{socket.gethostname()}:{os.getpid()}:command:{uuid.uuid4().hex[:6]}"


def _give_up_quietly(engine: Engine, **arguments) -> None:
    try:
        give_up(engine, **arguments)
    except Exception:  # the database itself may be what failed; the lease frees the feed later
        log.exception("could not record a failed feed sync feed=%s", arguments.get("subscription_id"))


def give_up(engine: Engine, *, subscription_id: int, replica: str, now: datetime, options: SyncOptions) -> None:
    """After an unexpected error in a sync (logged by the caller): the feed shows it, and is
    tried again at its next time rather than when the lease runs out."""
    with session(engine) as db, db.begin():
        finish(
            db,
            subscription_id=subscription_id,
            replica=replica,
            **_failure(now, options, "could not sync: an unexpected error (see the bot's logs)"),
        )


def feed_report(report: ImportReport) -> str:
    """One line for `/trip feeds`: "12 events: 2 new, 1 updated, 9 unchanged; 1 cancelled…"."""
    total = report.created + report.updated + report.unchanged
    line = (
        f"{total} event{'s' if total != 1 else ''}: {report.created} new, "
        f"{report.updated} updated, {report.unchanged} unchanged"
    )
    extras = []
    if report.cancelled:
        extras.append(f"{report.cancelled} cancelled (no longer in the feed)")
    if report.kept:
        extras.append(f"editors' changes kept in {report.kept}")
    if report.clashes:
        extras.append(f"{report.clashes} new clash{'es' if report.clashes != 1 else ''}")
    if report.skipped:
        extras.append(f"{len(report.skipped)} skipped" + _reasons(report.skipped))
    if report.flagged:
        count = len(report.flagged)
        extras.append(f"{count} note{'s' if count != 1 else ''}" + _reasons(report.flagged))
    return "; ".join([line, *extras])


def _reasons(items: tuple[Problem, ...], shown: int = 3) -> str:
    """The first few of what the parser said about the events it skipped or flagged."""
    if not items:
        return ""
    listed = " · ".join(one_line(str(item))[:200] for item in items[:shown])
    more = f" · and {len(items) - shown} more" if len(items) > shown else ""
    return f" ({listed}{more})"


def _success(now: datetime, options: SyncOptions, report: str) -> dict:
    return {
        "next_sync_at": later(now, options.every),
        "last_success_at": now,
        "last_report": report,
        "last_error": None,
        "failing_since": None,
        # A recovery ends the streak: the next failure is posted again after its own hour.
        "failure_posted_at": None,
    }


def _failure(now: datetime, options: SyncOptions, reason: str) -> dict:
    return {
        "next_sync_at": later(now, options.every),
        "last_error": one_line(reason),
        "failing_since": func.coalesce(col(FeedSubscription.failing_since), now),
    }


def one_line(reason: str) -> str:
    """A failure as stored and shown: its first line, any credentials masked, within the column."""
    line = (reason.strip().splitlines() or ["unknown error"])[0]
    line = redact(line)
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


def _done(
    engine: Engine, row: FeedSubscription, *, replica: str, now: datetime, options: SyncOptions, report: str
) -> bool:
    with session(engine) as db, db.begin():
        return finish(db, subscription_id=saved_id(row), replica=replica, **_success(now, options, report))


def _failed(
    engine: Engine,
    row: FeedSubscription,
    *,
    replica: str,
    now: datetime,
    options: SyncOptions,
    reason: str,
    logged: str | None = None,
) -> SyncResult:
    line = one_line(reason)
    log.warning("feed sync failed feed=%s team=%s error=%s", row.id, row.team_id, logged or line)
    with session(engine) as db, db.begin():
        finish(db, subscription_id=saved_id(row), replica=replica, **_failure(now, options, line))
    return SyncResult(row.name, shown_url(row.url), ok=False, line=line)


# -- telling the desk -------------------------------------------------------------------------
def failures_to_post(engine: Engine, *, now: datetime) -> list[tuple[str, FeedState]]:
    """Feeds that have failed for an hour and not been posted in this streak, each marked as
    posted (one replica gets each), with its workspace."""
    with session(engine) as db, db.begin():
        rows = claim_failure_notices(db, failing_before=earlier(now, FAILURE_NOTICE_AFTER), now=now)
        numbers = {
            saved_id(feed): n
            for team in {row.team_id for row in rows}
            for n, feed in enumerate(list_subscriptions(db, team_id=team), start=1)
        }
        return [(row.team_id, _state(numbers[saved_id(row)], row)) for row in rows]


def failure_not_posted(engine: Engine, *, subscription_id: int) -> None:
    """The channel did not get the post: the next run tries again."""
    with session(engine) as db, db.begin():
        unmark_failure_notice(db, subscription_id=subscription_id)


def _state(number: int, row: FeedSubscription) -> FeedState:
    return FeedState(
        id=saved_id(row),
        number=number,
        name=row.name,
        url=shown_url(row.url),
        added_by=row.added_by,
        last_success_at=row.last_success_at,
        last_report=row.last_report,
        last_error=row.last_error,
        failing_since=row.failing_since,
        next_sync_at=row.next_sync_at,
    )
