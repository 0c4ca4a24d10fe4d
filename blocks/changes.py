"""The reply to `/trip changes` and the Home tab's "Since you last looked": one entry per event
others changed — what kind of change, the event's time now, then each change with who and
when, worded as `/trip history` words it."""

from __future__ import annotations

from blocks.history import what_text, who_text
from blocks.listing import count_text
from blocks.text import (
    FALLBACK_TEXT,
    HEADER_TEXT,
    MESSAGE_BLOCKS,
    SECTION_TEXT,
    cut,
    escaped,
    fallback,
    listed,
    mrkdwn,
    plain,
)
from blocks.when import reader_time_token
from domain.changes import (
    CANCELLED,
    CONFIRMED,
    COVERAGE,
    DELETED,
    EDITED,
    MOVED,
    NEW,
    POSTPONED,
    STEPS_SHOWN,
    ChangesDigest,
    EventChanges,
    Step,
)
from domain.reminders import lead_text
from domain.snapshot import event_time_text
from domain.vocabulary import Precision, Status

COMMAND = "/trip changes"
KIND_LABELS = {
    NEW: ":new: New",
    MOVED: ":arrow_right: Moved",
    CONFIRMED: ":white_check_mark: Confirmed",
    POSTPONED: ":double_vertical_bar: Postponed",
    CANCELLED: ":x: Cancelled",
    DELETED: ":wastebasket: Taken off the schedule",
    EDITED: ":pencil2: Edited",
    COVERAGE: ":writing_hand: Coverage",
}
# Shares of an entry's section: the title, the place, each change's line.
TITLE_CHARS = 200
PLACE_CHARS = 80
STEP_CHARS = 450
# What the last line may take for the titles of events not shown.
MORE_CHARS = 1500
# Lines the Home tab shows at most.
HOME_LINES = 8
HOME_TITLE_CHARS = 120


def changes_message(digest: ChangesDigest) -> dict:
    title = "What changed"
    span = span_text(digest)
    blocks: list[dict] = [
        {"type": "header", "text": plain(title, HEADER_TEXT)},
        {"type": "context", "elements": [mrkdwn(span)]},
    ]
    footer = _footer(digest, shown=0)
    if not digest.events:
        blocks.append({"type": "section", "text": mrkdwn("Nothing changed on the schedule.")})
        blocks += [{"type": "context", "elements": [mrkdwn(footer)]}] if footer else []
        return {"text": fallback(f"{title}: nothing, {_plain_span(digest)}"), "blocks": blocks}
    # Room for the header, the span and the footer.
    entries = list(digest.events[: MESSAGE_BLOCKS - 3])
    blocks += [{"type": "section", "text": mrkdwn(entry_text(entry))} for entry in entries]
    footer = _footer(digest, shown=len(entries))
    if footer:
        blocks.append({"type": "context", "elements": [mrkdwn(footer)]})
    lines = [
        f"{title}, {_plain_span(digest)}: {count_text(digest.total, digest.count_cap)} events",
        *(f"{entry.event.title}: {', '.join(entry.kinds)}" for entry in entries),
    ]
    return {"text": fallback("\n".join(lines)), "blocks": blocks}


def entry_text(entry: EventChanges) -> str:
    """One event's entry: its kinds of change and title, its time and place now, its changes."""
    heading = f"{' · '.join(KIND_LABELS[k] for k in entry.kinds)} — {_title(entry, TITLE_CHARS)}"
    shown = entry.steps[-STEPS_SHOWN:]
    lines = [heading, _where(entry), *(f"• {step_text(step)}" for step in shown)]
    earlier = len(entry.steps) - len(shown) + entry.earlier
    if earlier:
        lines.append(f"• and {earlier} earlier change{'s' if earlier != 1 else ''}")
    return cut("\n".join(lines), SECTION_TEXT)


def step_text(step: Step) -> str:
    """Who, when, and what one change did: "<@U…>, <date>: Moved: … → …"."""
    whats = list(dict.fromkeys(what_text(row) for row in step.rows))
    return cut(f"{who_text(step.first)}, {reader_time_token(step.at)}: {'; '.join(whats)}", STEP_CHARS)


def span_text(digest: ChangesDigest) -> str:
    """Which changes the reply covers, and that they are others'."""
    since = reader_time_token(digest.since)
    if digest.window_minutes is not None:
        return f"Changes by others in the last {_window(digest.window_minutes)}, since {since}"
    if digest.first:
        return (
            f"Changes by others in the last 24 hours, since {since}: the first time you asked."
            f" Next time, `{COMMAND}` shows what changed after the newest change shown here."
        )
    return f"Changes by others after the newest change you were last shown ({since})"


def home_blocks(digest: ChangesDigest) -> list[dict]:
    """The Home tab's part: one line per event, at most HOME_LINES, and where the rest is."""
    blocks: list[dict] = [{"type": "header", "text": plain("Since you last looked", HEADER_TEXT)}]
    intro = (
        f"Changed by others in the last 24 hours: `{COMMAND}` lists them in full"
        if digest.first
        else f"Changed by others since your last `{COMMAND}`"
    )
    if not digest.events:
        nothing = "Nothing has changed on the schedule" + (
            " in the last 24 hours." if digest.first else f" since your last `{COMMAND}`."
        )
        return blocks + [{"type": "section", "text": mrkdwn(nothing)}]
    lines = [_home_line(entry) for entry in digest.events[:HOME_LINES]]
    text, fitted = intro + ":", 0
    for line in lines:
        if len(text) + 1 + len(line) > SECTION_TEXT:
            break
        text, fitted = f"{text}\n{line}", fitted + 1
    blocks.append({"type": "section", "text": mrkdwn(text)})
    hidden = digest.total - fitted
    if hidden > 0:
        blocks.append({"type": "context", "elements": [mrkdwn(f"and {_count(digest, hidden)} more — `{COMMAND}`")]})
    return blocks


def _home_line(entry: EventChanges) -> str:
    kinds = ", ".join(KIND_LABELS[k].split(" ", 1)[1] for k in entry.kinds)
    who = listed([who_text(step.first) for step in entry.actors], 300)
    return cut(f"{_title(entry, HOME_TITLE_CHARS)}  ·  {_when(entry)}  ·  {kinds}  ·  by {who}", 600)


def _title(entry: EventChanges, limit: int) -> str:
    title = escaped(entry.event.title, limit)
    gone = entry.event.deleted_at is not None or entry.event.status is Status.CANCELLED
    return f"~{title}~" if gone else f"*{title}*"


def _when(entry: EventChanges) -> str:
    event = entry.event
    when = escaped(event_time_text(event), 100)
    if event.precision is Precision.EXACT:
        when += f" ({reader_time_token(event.starts_at)})"
    return when


def _where(entry: EventChanges) -> str:
    place = escaped(entry.event.city or entry.event.country, PLACE_CHARS)
    status = f"{entry.event.status.label}" if entry.event.deleted_at is None else "no longer on the schedule"
    return "  ·  ".join(part for part in (_when(entry), place, status) if part)


def _footer(digest: ChangesDigest, *, shown: int) -> str:
    parts = []
    hidden = digest.total - shown
    if hidden > 0:
        count = _count(digest, hidden)
        titles = listed([escaped(t, 100) for t in digest.more_titles], MORE_CHARS, more=lambda n: f" and {n} more")
        again = f"`{COMMAND} {_window_command(digest)}`"
        parts.append(
            f"And {count} more event{'s' if hidden != 1 else ''} changed"
            + (f": {titles}" if titles else "")
            + f" — `/trip history` and a word of its title for one of them; {again} shows this span again"
        )
    if digest.own:
        parts.append(f"Your own changes ({digest.own} event{'s' if digest.own != 1 else ''}) are not listed.")
    return cut("  ·  ".join(parts), FALLBACK_TEXT)


def _count(digest: ChangesDigest, hidden: int) -> str:
    capped = digest.count_cap is not None and digest.total > digest.count_cap
    return f"{count_text(hidden)}+" if capped else count_text(hidden)


def _window_command(digest: ChangesDigest) -> str:
    """The shortest usual window that reaches back to the digest's start."""
    if digest.window_minutes is not None:
        return _window_word(digest.window_minutes)
    span = (digest.now - digest.since).total_seconds() / 60
    for minutes in (60, 120, 360, 720, 1440, 2 * 1440, 3 * 1440, 7 * 1440, 14 * 1440):
        if span <= minutes:
            return _window_word(minutes)
    return "30d"


def _window_word(minutes: int) -> str:
    if minutes % 10080 == 0:
        return f"{minutes // 10080}w"
    if minutes % 1440 == 0 and minutes > 1440:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _window(minutes: int) -> str:
    if minutes % 60 == 0 and minutes <= 2880 and minutes > 60:
        return f"{minutes // 60} hours"
    return lead_text(minutes)


def _plain_span(digest: ChangesDigest) -> str:
    if digest.window_minutes is not None:
        return f"in the last {_window(digest.window_minutes)}"
    return "in the last 24 hours" if digest.first else "since you last asked"
