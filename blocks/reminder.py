"""The reminder a channel gets before an event, and the note to its creator when it cannot."""

from __future__ import annotations

from blocks.event_card import OPEN_ACTION, people_coverage_source
from blocks.text import escape, fallback, mrkdwn, plain, shorten
from blocks.when import reader_time_token
from domain.records import EventRecord
from domain.snapshot import event_time_text
from domain.vocabulary import Precision


def reminder_message(event: EventRecord, *, phrase: str, late: bool) -> dict:
    """ "In 1 hour: Blinken meets President Macron — Élysée Palace, Paris — 10:00 CEST"."""
    place = ", ".join(part for part in (event.venue, event.city) if part)
    headline = " — ".join(part for part in (event.title, place, event_time_text(event)) if part)
    late_note = " (late: TripDesk was offline or Slack was unavailable at the due time)" if late else ""
    lines = [f":alarm_clock: *{escape(phrase)}:* {escape(headline)}{late_note}"]
    if event.precision is Precision.EXACT:
        lines.append(f"Your time: {reader_time_token(event.starts_at)}  ·  {event.status.label}")
    else:
        lines.append(event.status.label)
    lines += people_coverage_source(event)
    return {
        "text": fallback(f"{phrase}: {headline}{late_note}"),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(shorten("\n".join(lines), 3000)),
                "accessory": {
                    "type": "button",
                    "action_id": OPEN_ACTION,
                    "text": plain("Open event"),
                    "value": str(event.id),
                },
            }
        ],
    }


def undeliverable_message(event: EventRecord, *, channel_id: str, error: str) -> dict:
    why = {
        "channel_not_found": "the channel no longer exists or TripDesk cannot see it",
        "not_in_channel": "TripDesk is not in that channel",
        "is_archived": "the channel is archived",
    }.get(error, error)
    text = (
        f"A reminder for *{escape(event.title)}* could not be posted in <#{channel_id}>: {why}. "
        "Edit the event to choose another channel, or invite @TripDesk to it."
    )
    return {
        "text": fallback(f"A reminder for {event.title} could not be posted: {why}."),
        "blocks": [{"type": "section", "text": mrkdwn(text)}],
    }
