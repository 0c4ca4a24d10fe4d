"""The reply to `/trip history`: who changed what, when, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from blocks.notices import change_lines
from blocks.text import escape, fallback, mrkdwn, plain, shorten
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


def history_message(query: str, matched: int, rows: Sequence[tuple[ChangeRecord, EventRecord]]) -> dict:
    title = f"History: {shorten(query, 80)}"
    if not rows:
        note = "No events match." if not matched else "No changes recorded for the matching events."
        return {
            "text": fallback(f"{title}\n{note}"),
            "blocks": [{"type": "header", "text": plain(title, 150)}, {"type": "section", "text": mrkdwn(note)}],
        }
    lines = [change_line(change, event.title) for change, event in rows]
    blocks: list[dict] = [{"type": "header", "text": plain(title, 150)}]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append({"type": "section", "text": mrkdwn("\n".join(chunk))})
            chunk = []
        chunk.append(line)
    blocks.append({"type": "section", "text": mrkdwn("\n".join(chunk))})
    blocks.append(
        {
            "type": "context",
            "elements": [
                mrkdwn(f"Newest first · {len(rows)} changes of {matched} matching event{'s' if matched != 1 else ''}")
            ],
        }
    )
    plain_lines = [
        title,
        *(f"{change.at:%Y-%m-%d %H:%M} UTC {change.actor}: {event.title} ({change.action})" for change, event in rows),
    ]
    return {"text": fallback("\n".join(plain_lines)), "blocks": blocks}


def change_line(change: ChangeRecord, title: str) -> str:
    who = "an import" if change.actor == "import" else f"<@{change.actor}>"
    when = reader_time_token(change.at)
    subject = f"*{escape(shorten(title, 120))}*"
    if change.field == "origin":
        done = "added it to the schedule" if change.action == "created" else "changed it"
        what = f"{done} from {escape(change.new or '')}"
    elif change.action == "coverage":
        what = f"coverage: {_users(change.old)} → {_users(change.new)}"
    elif change.action == "changed" and change.field:
        (what,) = change_lines([FieldChange(change.field, change.old, change.new)]) or ["changed it"]
    else:
        what = _ACTIONS.get(change.action, change.action)
    return shorten(f"{when} · {who} · {subject}: {what}", 1000)


def _users(ids: str | None) -> str:
    return ", ".join(f"<@{u}>" for u in (ids or "").split(", ") if u) or "nobody"
