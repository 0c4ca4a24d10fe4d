"""The reply to `/trip history`: who changed what, when, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from blocks.notices import change_lines
from blocks.text import (
    HEADER_TEXT,
    MESSAGE_BLOCKS,
    SECTION_TEXT,
    cut,
    escaped,
    fallback,
    listed,
    mrkdwn,
    plain,
    shorten,
)
from blocks.when import reader_time_token
from domain.records import ChangeRecord, EventRecord
from domain.snapshot import FieldChange

_ACTIONS = {
    "created": "added it to the schedule",
    "cancelled": "cancelled it",
    "postponed": "postponed it",
    "tentative": "marked it tentative",
    "confirmed": "confirmed it",
    "deleted": "deleted it",
}
# Longest line of history, and the share of it for each list of people.
LINE_CHARS = 1000
PEOPLE_CHARS = 300


def history_message(query: str, matched: int, rows: Sequence[tuple[ChangeRecord, EventRecord]]) -> dict:
    title = f"History: {shorten(query, 80)}"
    if not rows:
        note = "No events match." if not matched else "No changes recorded for the matching events."
        return {
            "text": fallback(f"{title}\n{note}"),
            "blocks": [
                {"type": "header", "text": plain(title, HEADER_TEXT)},
                {"type": "section", "text": mrkdwn(note)},
            ],
        }
    lines = [change_line(change, event.title) for change, event in rows]
    blocks: list[dict] = [{"type": "header", "text": plain(title, HEADER_TEXT)}]
    # The lines in as few sections as hold them, leaving room for the header and the footer.
    sections: list[list[str]] = [[]]
    for line in lines:
        if sum(len(x) + 1 for x in sections[-1]) + len(line) > SECTION_TEXT:
            sections.append([])
        sections[-1].append(line)
    shown = sections[: MESSAGE_BLOCKS - 2]
    blocks += [{"type": "section", "text": mrkdwn("\n".join(chunk))} for chunk in shown]
    footer = f"Newest first · {len(rows)} changes of {matched} matching event{'s' if matched != 1 else ''}"
    unshown = len(lines) - sum(len(chunk) for chunk in shown)
    if unshown:
        footer += f" · {unshown} older not shown"
    blocks.append({"type": "context", "elements": [mrkdwn(footer)]})
    plain_lines = [
        title,
        *(f"{change.at:%Y-%m-%d %H:%M} UTC {change.actor}: {event.title} ({change.action})" for change, event in rows),
    ]
    return {"text": fallback("\n".join(plain_lines)), "blocks": blocks}


def change_line(change: ChangeRecord, title: str) -> str:
    when = reader_time_token(change.at)
    subject = f"*{escaped(title, 120)}*"
    return cut(f"{when} · {who_text(change)} · {subject}: {what_text(change)}", LINE_CHARS)


def who_text(change: ChangeRecord) -> str:
    """Who made a change: a mention, or the import (and its file or URL) it came from."""
    if change.imported_from:
        return f"by import of {escaped(change.imported_from, 200)}"
    if change.actor == "import":
        return "an import"
    return f"<@{change.actor}>"


def what_text(change: ChangeRecord) -> str:
    """What one line of history did to its event: "Moved: …", "confirmed it", "coverage: …"."""
    if change.field == "origin":
        done = "added it to the schedule" if change.action == "created" else "changed it"
        return f"{done} from {escaped(change.new or '', 200)}"
    if change.action == "removed":  # gone from its subscribed feed, so cancelled
        return f"cancelled it: removed from {escaped(change.imported_from or 'its calendar feed', 200)}"
    if change.action == "coverage":
        return f"coverage: {_users(change.old)} → {_users(change.new)}"
    if change.action == "changed" and change.field:
        (what,) = change_lines([FieldChange(change.field, change.old, change.new)]) or ["changed it"]
        return what
    return _ACTIONS.get(change.action, change.action)


def _users(ids: str | None) -> str:
    return listed([f"<@{u}>" for u in (ids or "").split(", ") if u], PEOPLE_CHARS) or "nobody"
