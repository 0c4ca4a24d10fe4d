"""Keeping subscribed calendar feeds in sync: every replica looks each minute for feeds whose
time has come, and the claim (storage.subscriptions) makes each sync happen once. A feed that
has failed for an hour is posted once to the desk's channel."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import Engine

from blocks.feeds import failure_message
from blocks.notices import clash_notice, clash_summary
from domain.subscriptions import SyncResult
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.clashes import ClashToTell, clash_not_told, clashes_left, clashes_to_tell, clashes_told
from services.subscriptions import (
    SyncOptions,
    claim_due,
    failure_not_posted,
    failures_to_post,
    give_up,
    sync_claimed,
)

log = logging.getLogger(__name__)
# However many feeds are due, one run stops after this many: the next run goes on.
MAX_FEEDS_A_RUN = 100


def _nothing() -> None:
    pass


@dataclass
class SyncRun:
    results: list[SyncResult] = field(default_factory=list)
    errors: int = 0
    posted: int = 0
    clashes: int = 0


class FeedSyncer:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        options: SyncOptions,
        replica: str,
        on_change: Callable[[], None] = _nothing,
    ):
        self.engine, self.client, self.clock = engine, client, clock
        self.options, self.replica, self.on_change = options, replica, on_change
        self._stop = threading.Event()

    def stop(self) -> None:
        """No further feed is taken up; one being fetched finishes, within its deadline."""
        self._stop.set()

    def run_once(self) -> SyncRun:
        """Sync every feed that is due and not held by another replica, each on its own: one
        feed's failure, expected or not, leaves the others to go on."""
        run = SyncRun()
        for _ in range(MAX_FEEDS_A_RUN):
            if self._stop.is_set():
                return run
            try:
                claimed = claim_due(self.engine, now=self.clock(), replica=self.replica, options=self.options)
            except Exception:
                log.exception("could not look for due calendar feeds replica=%s", self.replica)
                run.errors += 1
                break
            if claimed is None:
                break
            try:
                result = sync_claimed(
                    self.engine,
                    subscription_id=claimed,
                    replica=self.replica,
                    clock=self.clock,
                    options=self.options,
                    on_change=self.on_change,
                )
            except Exception:
                log.exception("calendar feed sync failed unexpectedly feed=%s replica=%s", claimed, self.replica)
                run.errors += 1
                try:
                    give_up(
                        self.engine,
                        subscription_id=claimed,
                        replica=self.replica,
                        now=self.clock(),
                        options=self.options,
                    )
                except Exception:  # the database may be what failed; the lease frees the feed later
                    log.exception("could not record the failed sync feed=%s", claimed)
                continue
            if result is not None:
                run.results.append(result)
        run.posted = self.post_failures()
        run.clashes = self.post_clashes()
        return run

    def post_clashes(self) -> int:
        """Tell each event's channel (or the desk's) about clashes that imports, feed syncs and
        drafts brought: a clash is claimed with a lease before it is posted, marked told once
        Slack took it, and given back if Slack refused it or there is no channel."""
        now = self.clock()
        try:
            due = clashes_to_tell(self.engine, now=now, replica=self.replica)
        except Exception:
            log.exception("could not look for clashes to post")
            return 0
        posted = 0
        homeless: list[tuple[int, int]] = []
        by_channel: dict[str, list[ClashToTell]] = {}
        for clash in due:
            channel = clash.second.channel_id or clash.first.channel_id or self.options.default_channel
            if channel is None:
                homeless.append(clash.pair)
            else:
                by_channel.setdefault(channel, []).append(clash)
        for channel, clashes in by_channel.items():
            # One clash with both cards; several (an import, a sync) in one message, not a post each.
            if len(clashes) == 1:
                (one,) = clashes
                message = clash_notice(
                    one.first, one.second, kind=one.kind, people=one.people, distance_km=one.distance_km
                )
            else:
                message = clash_summary([(c.first, c.second, c.kind, c.people, c.distance_km) for c in clashes])
            pairs = [c.pair for c in clashes]
            try:
                self.client.chat_postMessage(channel=channel, unfurl_links=False, **message)
            except SLACK_FAILURES as error:
                log.error("clashes not posted events=%s channel=%s error=%s", pairs, channel, slack_error(error))
                for clash in clashes:
                    try:
                        if clash_not_told(self.engine, clash=clash, now=now, replica=self.replica):
                            log.warning(
                                "clash given up after %d failed posts events=%s", clash.attempts + 1, clash.pair
                            )
                    except Exception:
                        log.exception("could not mark the clash for another post events=%s", clash.pair)
                continue
            posted += len(clashes)
            log.info("clashes posted events=%s channel=%s", pairs, channel)
            try:
                clashes_told(self.engine, pairs=pairs, now=now, replica=self.replica)
            except Exception:  # the leases lapse and another run posts them again
                log.exception("could not mark the clashes told events=%s", pairs)
        if homeless:
            log.info("no channel for %d clashes; set TRIPDESK_CHANNEL to have them posted", len(homeless))
            try:
                clashes_left(self.engine, pairs=homeless, replica=self.replica)
            except Exception:  # the lease lapses
                log.exception("could not give back the clashes without a channel")
        return posted

    def post_failures(self) -> int:
        """Tell the desk's channel about each feed failing for an hour, once a failure streak."""
        channel = self.options.default_channel
        if channel is None:
            return 0
        try:
            due = failures_to_post(self.engine, now=self.clock())
        except Exception:
            log.exception("could not look for failing calendar feeds")
            return 0
        posted = 0
        for team, feed in due:
            try:
                self.client.chat_postMessage(channel=channel, unfurl_links=False, **failure_message(feed))
            except SLACK_FAILURES as error:
                log.error(
                    "failing feed not posted feed=%s team=%s channel=%s error=%s",
                    feed.id,
                    team,
                    channel,
                    slack_error(error),
                )
                try:
                    failure_not_posted(self.engine, subscription_id=feed.id)
                except Exception:
                    log.exception("could not mark the failing feed for another post feed=%s", feed.id)
                continue
            posted += 1
            log.info("failing feed posted feed=%s team=%s channel=%s", feed.id, team, channel)
        return posted
