"""Importing an iCalendar file or feed into one workspace's schedule, in one transaction: the
events that can be read, with a report of the ones skipped or flagged (`domain.ical`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlmodel import Session

from domain.progress import SILENT, Progress
from services.fetching import FetchFailed, fetch
from storage.clashes import refresh_clashes
from storage.db import session
from storage.editing import record_many
from storage.events import ChangedMeanwhile, Removal, cancel_missing, upsert_drafts
from storage.reminders import sync_many

if TYPE_CHECKING:
    from domain.ical import ParsedCalendar, Problem

# A feed anyone may have put up: far larger than any real calendar, and a whole minute.
MAX_URL_BYTES = 20 * 1024 * 1024
FETCH_DEADLINE = 60.0
# A file the operator chose: only a bound on memory, which `bot.py import --max-size` moves.
MAX_FILE_BYTES = 200 * 1024 * 1024
# An editor saving an event while the import merges it sends the import back to the start.
ATTEMPTS = 3
# Skipped and flagged events listed after the summary; the rest are counted.
LISTED = 20
FOREIGN = "its UID is an event this feed does not own (made in TripDesk, or another feed's); left alone"
# The history's action for an event cancelled because its feed no longer has it.
REMOVED = "removed"


def _nothing() -> None:
    pass


class ImportFailed(Exception):
    """Nothing was imported; the message says why in one line."""


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    # Events where the feed changed something an editor had changed too: the editor's value stayed.
    kept: int = 0
    # Events of a subscribed feed that it no longer has, cancelled (see `import_calendar`).
    cancelled: int = 0
    # Events the calendar has that were not imported, and imported ones with something made up or cut.
    skipped: tuple[Problem, ...] = field(default=())
    flagged: tuple[Problem, ...] = field(default=())
    # New clashes of the imported events with others of the same people (told to the channel
    # by jobs/feeds.py, once).
    clashes: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.cancelled)

    def summary(self, source: str) -> str:
        total = self.created + self.updated + self.unchanged
        line = (
            f"Imported {total} event{'s' if total != 1 else ''} from {source}: "
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"
        )
        if self.kept:
            line += f"; kept editors' changes in {self.kept} event{'s' if self.kept != 1 else ''} the feed also changed"
        if self.cancelled:
            line += f"; cancelled {self.cancelled} no longer in the feed"
        if self.clashes:
            line += f"; {self.clashes} new clash{'es' if self.clashes != 1 else ''}"
        if self.skipped:
            line += f"; skipped {len(self.skipped)} that could not be imported"
        if self.flagged:
            line += f"; {len(self.flagged)} note{'s' if len(self.flagged) != 1 else ''} on what was imported"
        return line

    def details(self, limit: int = LISTED) -> list[str]:
        """The skipped and flagged events, one line each, the first `limit` of them."""
        lines = [f"skipped {problem}" for problem in self.skipped] + [f"note: {problem}" for problem in self.flagged]
        if len(lines) > limit:
            lines = [*lines[:limit], f"and {len(lines) - limit} more"]
        return lines


def _keep_soonest(parsed: ParsedCalendar, limit: int) -> None:
    from domain.ical import Problem  # see import_calendar

    total = len(parsed.drafts)
    parsed.drafts.sort(key=lambda draft: draft.starts_at)
    # Still in the feed, so not cancelled as removed from it; only not taken.
    parsed.unread.update(draft.uid for draft in parsed.drafts[limit:])
    del parsed.drafts[limit:]
    parsed.flagged.append(Problem("the calendar", f"it has {total:,} events; only the {limit:,} soonest were taken"))


def read_source(source: str, *, max_file_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a local file (at most `max_file_bytes`) or of an http(s)/webcal URL (at most
    MAX_URL_BYTES, whatever the file limit). A URL appears in messages with its credentials and
    query values masked (see `shown_url`): a feed's URL often carries its key."""
    if source.startswith("webcal://"):
        source = "https://" + source.removeprefix("webcal://")
    if source.startswith(("http://", "https://")):
        try:
            return fetch(
                source,
                max_bytes=MAX_URL_BYTES,
                deadline=FETCH_DEADLINE,
                headers={"Accept": "text/calendar, */*;q=0.5"},
            ).content
        except FetchFailed as error:
            raise ImportFailed(str(error)) from None
    path = Path(source)
    try:
        with path.open("rb") as file:
            data = file.read(max_file_bytes + 1)
    except FileNotFoundError:
        raise ImportFailed(f"no such file: {source}") from None
    except (IsADirectoryError, PermissionError) as error:
        raise ImportFailed(f"cannot read {source}: {error.strerror}") from None
    if len(data) > max_file_bytes:
        raise ImportFailed(
            f"{source} is larger than {max_file_bytes // (1024 * 1024)} MB (import --max-size MB allows more)"
        )
    return data


def import_calendar(
    engine: Engine,
    *,
    team_id: str,
    data: bytes,
    fallback_tz: str,
    actor: str,
    now: datetime,
    default_channel: str | None = None,
    source: str | None = None,
    feed_id: int | None = None,
    then: Callable[[Session, ImportReport], None] | None = None,
    on_change: Callable[[], None] = _nothing,
    max_events: int | None = None,
    progress: Progress = SILENT,
) -> ImportReport:
    """Import `data` into the workspace in one transaction. An event takes only what the feed
    changed since its last import and no editor changed since (`domain.feed`); what it takes
    is recorded in its history as by `actor`, from `source` (the file or URL, credentials
    redacted), and its reminders follow.

    `feed_id`: the data is that subscribed feed's. Its events are marked as the feed's, and
    those it no longer has are cancelled (`storage.events.cancel_missing`), recorded as
    "removed from `source`". `then` runs in the same transaction with the report, for what must
    be written with it; `on_change` after the commit, when the schedule changed. `max_events`:
    the most events taken, the soonest first; the rest are flagged, and left as they are.
    `progress` is told how far the reading and the writing have got.
    """
    # Imported here, not at the top: the iCalendar libraries it loads are a twentieth of a
    # second of every start, for an import that comes later if at all.
    from domain.ical import CalendarError, Problem, parse_calendar

    try:
        parsed = parse_calendar(data, fallback_tz, now=now, progress=progress)
    except CalendarError as error:
        raise ImportFailed(str(error)) from None
    if max_events is not None and len(parsed.drafts) > max_events:
        _keep_soonest(parsed, max_events)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            progress.stage("Writing events", len(parsed.drafts))
            with session(engine) as db, db.begin():
                counts = upsert_drafts(
                    db, team_id=team_id, drafts=parsed.drafts, actor=actor, now=now, feed_id=feed_id, progress=progress
                )
                record_many(db, entries=counts.history, actor=actor, now=now, imported_from=source)
                removal = Removal()
                if feed_id is not None and parsed.drafts:
                    removal = cancel_missing(
                        db,
                        team_id=team_id,
                        feed_id=feed_id,
                        listed=parsed.lists,
                        covers=(
                            min(draft.starts_at for draft in parsed.drafts),
                            max(draft.finishes_at for draft in parsed.drafts),
                        ),
                        after=now,
                        actor=actor,
                        now=now,
                    )
                    record_many(
                        db,
                        entries=[(event, REMOVED, (change,)) for event, change in removal.cancelled],
                        actor=actor,
                        now=now,
                        imported_from=source,
                    )
                touched = [*counts.touched, *(event for event, _change in removal.cancelled)]
                sync_many(db, events=touched, now=now, default_channel=default_channel)
                # The whole batch at once: two queries, whatever its size.
                clashes = refresh_clashes(db, team_id=team_id, event_ids=[event.id for event in touched if event.id])
                report = ImportReport(
                    created=counts.created,
                    updated=counts.updated,
                    unchanged=counts.unchanged,
                    kept=counts.kept + removal.kept,
                    cancelled=len(removal.cancelled),
                    skipped=(*parsed.skipped, *(Problem(f"event {uid!r}", FOREIGN) for uid in counts.foreign)),
                    flagged=tuple(parsed.flagged),
                    clashes=len(clashes),
                )
                if then is not None:
                    then(db, report)
            break
        except ChangedMeanwhile:
            if attempt == ATTEMPTS:
                raise ImportFailed("events kept changing in TripDesk during the import; try again") from None
    if report.changed:
        on_change()
    return report
