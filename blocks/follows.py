"""Follows in Block Kit: the replies to `/trip follow`, `unfollow` and `following`, and the DM a
follower gets when a matching event is added, moved or cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from blocks.event_card import OPEN_ACTION, people_text
from blocks.listing import count_text
from blocks.text import FALLBACK_TEXT, SECTION_TEXT, cut, escape, escaped, fallback, mrkdwn, plain, shorten
from blocks.when import reader_time_token
from domain.follows import ADDED, CANCELLED, CHANGED, DELETED, MORE, POSTPONED
from domain.records import EventRecord
from domain.reminders import lead_text
from domain.snapshot import event_time_text, place_text
from domain.timetext import reader_time_text
from domain.vocabulary import Precision

# A query as typed is at most 200 characters (domain.commands); shown cut shorter.
QUERY_CHARS = 100
TITLE_CHARS = 300
# `/trip following`: lines per section, each cut to fit ten in a section's 3,000 characters.
LINES_PER_SECTION = 10
LINE_CHARS = SECTION_TEXT // LINES_PER_SECTION - 1
COUNT_CAP = 1000

_HEADLINES = {
    ADDED: (":new:", "New on the schedule"),
    CHANGED: (":pencil2:", "Changed"),
    CANCELLED: (":x:", "Cancelled"),
    POSTPONED: (":double_vertical_bar:", "Postponed"),
    DELETED: (":wastebasket:", "Taken off the schedule"),
}


@dataclass(frozen=True)
class FollowView:
    """One follow as the replies show it."""

    query: str
    lead_minutes: int
    upcoming: int
    next_event: EventRecord | None


def _next_line(view: FollowView) -> str:
    if view.next_event is None:
        return "nothing on the schedule yet"
    event = view.next_event
    count = count_text(view.upcoming, COUNT_CAP)
    when = escaped(event_time_text(event), 200)
    if event.precision is Precision.EXACT:
        when += f" ({reader_time_token(event.starts_at)})"
    return f"{count} to come; next: *{escaped(event.title, TITLE_CHARS)}*, {when}"


def followed_message(view: FollowView, *, lead_before: int | None) -> dict:
    """The reply to `/trip follow`: what the user will get, and what matches now."""
    query = escaped(view.query, QUERY_CHARS)
    lead = lead_text(view.lead_minutes)
    if lead_before is None:
        opening = f":bell: You follow *{query}*."
    elif lead_before == view.lead_minutes:
        opening = f":bell: You already follow *{query}*; your reminders stay {lead} before."
    else:
        opening = f":bell: You follow *{query}*; your reminders now come {lead} before, not {lead_text(lead_before)}."
    lines = [
        opening,
        f"You'll get a DM when a matching event is added, moved or cancelled, and a reminder {lead} before each.",
        f"Matching: {_next_line(view)}.",
        f"`/trip unfollow {escape(shorten(view.query, QUERY_CHARS))}` stops it.",
    ]
    text = "\n".join(lines)
    return {"text": cut(text, FALLBACK_TEXT), "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def unfollowed_message(query: str, *, removed: bool) -> dict:
    shown = escaped(query, QUERY_CHARS)
    if removed:
        text = f"You no longer follow *{shown}*: no more DMs or personal reminders about it."
    else:
        text = f"You don't follow *{shown}*. `/trip following` lists what you follow."
    return {"text": cut(text, FALLBACK_TEXT), "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def following_message(views: Sequence[FollowView]) -> dict:
    """The reply to `/trip following`: each follow with its lead time and next event."""
    if not views:
        text = "You follow nothing yet. `/trip follow blinken` sends you a DM when his schedule changes."
        return {"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}
    lines = [
        cut(
            f"• *{escaped(view.query, QUERY_CHARS)}* — reminders {lead_text(view.lead_minutes)} before — "
            f"{_next_line(view)}",
            LINE_CHARS,
        )
        for view in views
    ]
    blocks: list[dict] = [{"type": "header", "text": plain(f"Your follows ({len(views)})", 150)}]
    for start in range(0, len(lines), LINES_PER_SECTION):
        blocks.append({"type": "section", "text": mrkdwn("\n".join(lines[start : start + LINES_PER_SECTION]))})
    hint = escape("`/trip unfollow <query>` stops one; `/trip follow <query> 2h` changes its lead time.")
    blocks.append({"type": "context", "elements": [mrkdwn(hint)]})
    names = ", ".join(view.query for view in views)
    return {"text": fallback(f"Your follows ({len(views)}): {names}"), "blocks": blocks}


def _unfollow_hint(query: str) -> dict:
    about = f"You follow *{escaped(query, QUERY_CHARS)}*" if query else "You follow this event"
    hint = f"{about}. `/trip unfollow {escape(shorten(query, QUERY_CHARS))}` stops these."
    return {"type": "context", "elements": [mrkdwn(hint)]}


def _more_dm(*, summary: str, query: str) -> dict:
    """The last DM of a change that touched more followed events than are worth a DM each."""
    search = f"/trip {shorten(query, QUERY_CHARS)}"
    text = f":bell: *{escaped(summary, 500)}.* `{escape(search)}` lists them."
    return {
        "text": fallback(f"{summary}. {search} lists them."),
        "blocks": [{"type": "section", "text": mrkdwn(text)}, _unfollow_hint(query)],
    }


def notice_dm(event: EventRecord, *, action: str, summary: str, query: str, reader_tz: str) -> dict:
    """The DM a follower gets about one change: the event at the venue and on the reader's own
    clock (Slack's <!date> token in the blocks, their zone spelled out in the plain text)."""
    if action == MORE:
        return _more_dm(summary=summary, query=query)
    emoji, headline = _HEADLINES.get(action, _HEADLINES[CHANGED])
    when = event_time_text(event)
    place = place_text(event)
    yours = reader_time_text(starts_at=event.starts_at, precision=event.precision, tz=reader_tz)
    title = escaped(event.title, TITLE_CHARS)
    title = f"~{title}~" if action in (CANCELLED, DELETED) else f"*{title}*"
    lines = [f"{emoji} *{headline}:* {title}"]
    when_line = f":calendar: {escaped(when, 200)}"
    if event.precision is Precision.EXACT:
        when_line += f"  ·  your time: {reader_time_token(event.starts_at)}"
    lines.append(when_line)
    if place:
        lines.append(f":round_pushpin: {escaped(place, 400)}")
    if event.participants:
        lines.append(f":busts_in_silhouette: {people_text(event, 500)}")
    if summary:
        lines.append(escaped(summary, 1000))
    plain_text = f"{headline}: {event.title} — {when}"
    if place:
        plain_text += f" — {place}"
    if yours:
        plain_text += f" ({yours} your time)"
    if summary:
        plain_text += ". " + summary.replace("\n", "; ")
    section: dict = {"type": "section", "text": mrkdwn("\n".join(lines))}
    if action != DELETED:
        section["accessory"] = {
            "type": "button",
            "action_id": OPEN_ACTION,
            "text": plain("Open event"),
            "value": str(event.id),
        }
    return {"text": fallback(plain_text), "blocks": [section, _unfollow_hint(query)]}
