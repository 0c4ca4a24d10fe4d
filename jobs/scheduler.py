"""APScheduler (UTC) drives the jobs: a reminder run at the next due time, a periodic sweep that
catches what another replica added or what a dead replica left, the daily agenda, and the chase
for coverage of key events.

The scheduler holds no reminder: jobs only say when to look in the database, so a restart or
a second replica loses and duplicates nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from domain.zones import earlier, later
from infra.config import Settings
from jobs.agenda import DailyAgenda
from jobs.coverage import CoverageChaser
from jobs.feeds import FeedSyncer
from jobs.follows import FollowNotifier
from jobs.home import HomeRefresher
from jobs.reminders import ReminderDeliverer
from storage.db import session
from storage.replays import forget_before

log = logging.getLogger(__name__)
WAKE_JOB = "reminders-wake"
HOME_JOB = "home-refresh"
FOLLOWS_WAKE_JOB = "follows-wake"
# Slack's signatures expire after five minutes and it stops retrying an event within the hour;
# after that a request key can no longer come back.
HANDLED_KEPT = timedelta(hours=2)


def agenda_trigger(settings: Settings) -> CronTrigger:
    """Every day at TRIPDESK_DIGEST_TIME on the newsroom's clock, whatever its UTC offset that day."""
    return CronTrigger(
        hour=settings.digest_time.hour, minute=settings.digest_time.minute, timezone=settings.newsroom_tz
    )


class Jobs:
    def __init__(
        self,
        *,
        deliverer: ReminderDeliverer,
        agenda: DailyAgenda,
        settings: Settings,
        feeds: FeedSyncer | None = None,
        home: HomeRefresher | None = None,
        notifier: FollowNotifier | None = None,
        chaser: CoverageChaser | None = None,
    ):
        self.deliverer, self.agenda, self.settings = deliverer, agenda, settings
        self.feeds, self.home, self.notifier, self.chaser = feeds, home, notifier, chaser
        # A late job still runs (APScheduler's default grace is one second, which silently drops
        # a reminder whose wake-up came a little late); overlapping runs collapse into one.
        self.scheduler = BackgroundScheduler(
            timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        )
        deliverer.on_idle = self._wake_at

    def start(self) -> None:
        self.scheduler.add_job(
            self._sweep, "interval", seconds=self.settings.sweep_seconds, id="sweep", next_run_time=datetime.now(UTC)
        )
        self.scheduler.add_job(self.agenda.post, agenda_trigger(self.settings), id="daily-agenda")
        self.scheduler.add_job(self.forget_handled_requests, "interval", minutes=10, id="forget-handled-requests")
        if self.feeds is not None:
            # Each minute every replica looks for feeds whose TRIPDESK_FEED_SYNC_MINUTES have passed.
            self.scheduler.add_job(self.feeds.run_once, "interval", minutes=1, id="feed-sync")
        if self.chaser is not None:
            # As often as the sweep: a chase falls due at any minute, and when nothing is owed
            # looking only reads (one indexed query, and the cards' rows of the key events near).
            self.scheduler.add_job(
                self.chaser.run_once,
                "interval",
                seconds=self.settings.sweep_seconds,
                id="coverage-chase",
                next_run_time=datetime.now(UTC),
            )
        self.scheduler.start()

    def wake(self) -> None:
        """Run the deliverer now: the schedule changed."""
        self.scheduler.add_job(
            self.deliverer.run_once, "date", run_date=datetime.now(UTC), id=WAKE_JOB, replace_existing=True
        )
        if self.notifier is not None:
            # A change may owe its followers DMs, written with it.
            self.scheduler.add_job(
                self.notifier.run_once, "date", run_date=datetime.now(UTC), id=FOLLOWS_WAKE_JOB, replace_existing=True
            )
        self._refresh_home_tabs()

    def _refresh_home_tabs(self) -> None:
        """One round of Home tab refreshes a little after the first of a burst of changes. Two
        instances allowed: a round asked for while one runs must wait for it, not be dropped."""
        if self.home is None or not self.home.note_change():
            return
        run_date = later(datetime.now(UTC), timedelta(seconds=self.home.delay))
        self.scheduler.add_job(self.home.run_pending, "date", run_date=run_date, id=HOME_JOB, max_instances=2)

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
        self.deliverer.stop()
        if self.feeds is not None:
            self.feeds.stop()
        if self.home is not None:
            self.home.stop()
        if self.notifier is not None:
            self.notifier.stop()

    def _sweep(self) -> None:
        self.deliverer.run_once()
        if self.notifier is not None:
            # Notices waiting on a retry, or left claimed by a replica that died.
            self.notifier.run_once()
        self.agenda.post_if_due(self.settings.digest_time)

    def forget_handled_requests(self) -> int:
        engine, now = self.deliverer.engine, self.deliverer.clock()
        with session(engine) as db, db.begin():
            forgotten = forget_before(db, cutoff=earlier(now, HANDLED_KEPT))
        log.debug("forgot %d handled request keys", forgotten)
        return forgotten

    def _wake_at(self, moment: datetime | None) -> None:
        if moment is None or not self.scheduler.running:
            return
        self.scheduler.add_job(
            self.deliverer.run_once, "date", run_date=max(moment, datetime.now(UTC)), id=WAKE_JOB, replace_existing=True
        )
