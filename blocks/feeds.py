"""The replies to `/trip feeds` and the desk's notice of a failing feed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from blocks.help import notice_message
from blocks.text import (
    MESSAGE_BLOCKS,
    SECTION_TEXT,
    escaped,
    fallback,
    mrkdwn,
    plain,
)
from blocks.when import reader_time_token
from domain.subscriptions import FeedState, SyncResult

HEADER = "Calendar feeds"
NAME_CHARS = 200
URL_CHARS = 500
LINE_CHARS = 1500
USAGE = "`/trip feeds add https://… name` · `/trip feeds remove 2` · `/trip feeds sync` (editors)"
# The header, the usage line and the "not shown" line leave this many blocks for feeds.
SHOWN = MESSAGE_BLOCKS - 3


def feeds_message(feeds: Sequence[FeedState]) -> dict:
    """`/trip feeds`: each feed's name, its address (secrets masked), its last good sync and
    what it did, or why it fails."""
    if not feeds:
        note = "TripDesk follows no calendar feeds yet. An editor adds one with `/trip feeds add https://… name`."
        return {
            "text": fallback(note),
            "blocks": [{"type": "header", "text": plain(HEADER)}, {"type": "section", "text": mrkdwn(note)}],
        }
    shown = feeds[:SHOWN]
    blocks: list[dict] = [{"type": "header", "text": plain(HEADER)}]
    blocks += [{"type": "section", "text": mrkdwn(_feed_text(feed), SECTION_TEXT)} for feed in shown]
    if len(feeds) > len(shown):
        blocks.append({"type": "context", "elements": [mrkdwn(f"{len(feeds) - len(shown)} more not shown")]})
    blocks.append({"type": "context", "elements": [mrkdwn(USAGE)]})
    lines = [HEADER, *(_feed_plain(feed) for feed in feeds)]
    return {"text": fallback("\n".join(lines)), "blocks": blocks}


def _feed_text(feed: FeedState) -> str:
    head = f"*{feed.number}. {escaped(feed.name, NAME_CHARS)}* · {escaped(feed.url, URL_CHARS)}"
    return f"{head}\n{_status(feed)}"


def _status(feed: FeedState) -> str:
    last = _last_good(feed.last_success_at)
    if feed.last_error:
        since = f" since {reader_time_token(feed.failing_since)}" if feed.failing_since else ""
        error = escaped(feed.last_error, LINE_CHARS)
        return f":warning: Failing{since}: {error}\n{last}; the schedule keeps what it had."
    if feed.last_success_at is None:
        return "Not synced yet."
    return f":white_check_mark: {last}: {escaped(feed.last_report or '', LINE_CHARS)}"


def _last_good(moment: datetime | None) -> str:
    return f"Last good sync {reader_time_token(moment)}" if moment else "Never synced"


def _feed_plain(feed: FeedState) -> str:
    if feed.last_error:
        state = f"failing: {feed.last_error}"
    elif feed.last_success_at is None:
        state = "not synced yet"
    else:
        state = f"last good sync {feed.last_success_at:%Y-%m-%d %H:%M} UTC: {feed.last_report or ''}"
    return f"{feed.number}. {feed.name} ({feed.url}): {state}"


def adding_message(feed: FeedState) -> dict:
    text = (
        f"Added feed {feed.number}, *{escaped(feed.name, NAME_CHARS)}* ({escaped(feed.url, URL_CHARS)}). "
        "Fetching it now…"
    )
    return notice_message(text)


def removed_message(name: str, events: int) -> dict:
    kept = (
        f"its {events} event{'s' if events != 1 else ''} stay on the schedule, no longer kept in sync"
        if events
        else "it had brought no events"
    )
    return notice_message(f"Removed the feed *{escaped(name, NAME_CHARS)}*; {kept}.")


def syncing_message(count: int) -> dict:
    if count == 0:
        return notice_message("There are no calendar feeds to sync: `/trip feeds add https://… name`.")
    return notice_message(f"Syncing {count} feed{'s' if count != 1 else ''}…")


def sync_results_message(results: Sequence[tuple[str, SyncResult | None]], *, added: int | None = None) -> dict:
    """The outcome of each feed synced on request: (name, result), None when another replica
    was already syncing it. `added`: the number of the feed just added, whose first sync this
    was: when it failed, the editor is told it stays on the list and how to remove it."""
    blocks: list[dict] = [{"type": "header", "text": plain("Calendar feeds synced")}]
    lines = []
    for name, result in results[: MESSAGE_BLOCKS - 2]:
        if result is None:
            line = f":hourglass: *{escaped(name, NAME_CHARS)}*: being synced already; `/trip feeds` shows the outcome."
        elif result.ok:
            line = f":white_check_mark: *{escaped(name, NAME_CHARS)}*: {escaped(result.line, LINE_CHARS)}"
        else:
            line = f":warning: *{escaped(name, NAME_CHARS)}*: {escaped(result.line, LINE_CHARS)}; nothing was changed."
            if added is not None:
                line += (
                    " The feed stays on the list and is tried again at each sync;"
                    f" `/trip feeds remove {added}` if the address is wrong."
                )
        lines.append(line)
        blocks.append({"type": "section", "text": mrkdwn(line)})
    if len(results) > MESSAGE_BLOCKS - 2:
        blocks.append({"type": "context", "elements": [mrkdwn(f"{len(results) - (MESSAGE_BLOCKS - 2)} more")]})
    plain_lines = [
        f"{name}: " + ("being synced already" if r is None else r.line if r.ok else f"failed: {r.line}")
        for name, r in results
    ]
    return {"text": fallback("\n".join(["Calendar feeds synced", *plain_lines])), "blocks": blocks}


def failure_message(feed: FeedState) -> dict:
    """Posted to the desk's channel once a feed has failed for an hour."""
    since = reader_time_token(feed.failing_since) if feed.failing_since else "a while"
    text = (
        f":warning: The calendar feed *{escaped(feed.name, NAME_CHARS)}* ({escaped(feed.url, URL_CHARS)}) "
        f"has failed since {since}: {escaped(feed.last_error or 'unknown error', LINE_CHARS)}\n"
        f"{_last_good(feed.last_success_at)}. The schedule keeps what the feed said last; "
        "`/trip feeds` shows its state, and TripDesk keeps trying."
    )
    plain_text = (
        f"The calendar feed {feed.name} ({feed.url}) is failing: {feed.last_error or 'unknown error'}. "
        "The schedule keeps what it said last."
    )
    return {"text": fallback(plain_text), "blocks": [{"type": "section", "text": mrkdwn(text)}]}
