"""The chase for coverage: one message to the desk's channel listing key events no one covers,
each with an *I'll cover* button (the card's own action, so the card's listener takes it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from blocks.event_card import COVER_ACTION, event_line
from blocks.text import HEADER_TEXT, MESSAGE_BLOCKS, escaped, fallback, mrkdwn, plain
from blocks.when import reader_time_token
from domain.records import EventRecord
from domain.snapshot import event_time_text, place_text
from domain.vocabulary import Precision
from domain.zones import elapsed

HEADER = "Key events nobody covers yet"
# The header and the footer, and one section a event.
MAX_CHASED = MESSAGE_BLOCKS - 2
TITLE_CHARS, WHEN_CHARS, PLACE_CHARS = 500, 300, 400


def time_left(starts_at: datetime, now: datetime) -> str:
    """ "in 23 hours", "in 40 minutes": what is left before the start, rounded down."""
    minutes = max(0, int(elapsed(now, starts_at).total_seconds() // 60))
    count, unit = (minutes // 60, "hour") if minutes >= 60 else (minutes, "minute")
    return f"in {count} {unit}{'s' if count != 1 else ''}"


def chase_message(events: Sequence[EventRecord], *, now: datetime) -> dict:
    """`events` in start order, at most MAX_CHASED (the job never claims more for one message)."""
    blocks: list[dict] = [{"type": "header", "text": plain(HEADER, HEADER_TEXT)}]
    for event in events[:MAX_CHASED]:
        when = escaped(event_time_text(event), WHEN_CHARS)
        if event.precision is Precision.EXACT:
            when += f"  ·  your time: {reader_time_token(event.starts_at)}"
        lines = [
            f":rotating_light: *{escaped(event.title, TITLE_CHARS)}*  ·  {event.kind.label}",
            f"{when}  ·  starts {time_left(event.starts_at, now)}",
        ]
        place = place_text(event)
        if place:
            lines.append(f":round_pushpin: {escaped(place, PLACE_CHARS)}")
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn("\n".join(lines)),
                "accessory": {
                    "type": "button",
                    "action_id": COVER_ACTION,
                    "text": plain("I'll cover"),
                    "value": str(event.id),
                },
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    "Key events (summits, ministerial meetings and events marked key) are chased"
                    " 48 and 24 hours before they start while no one covers them."
                )
            ],
        }
    )
    lines = [f"{event_line(event)} ({time_left(event.starts_at, now)})" for event in events[:MAX_CHASED]]
    return {"text": fallback(f"{HEADER}: " + "; ".join(lines)), "blocks": blocks}
