"""The reminder a channel gets before an event, and the note to its creator when it cannot."""

from __future__ import annotations

from blocks.event_card import OPEN_ACTION, people_coverage_source
from blocks.text import SECTION_TEXT, escaped, fallback, mrkdwn, plain
from blocks.when import reader_time_token
from domain.records import EventRecord
from domain.snapshot import event_time_text
from domain.timetext import reader_time_text
from domain.vocabulary import Precision

# The shares of the reminder's 3,000 characters for the headline's title, place and time; the
# rest is the card's people, coverage and source.
HEADLINE_CHARS = {"title": 500, "place": 300, "when": 200}


def reminder_message(event: EventRecord, *, phrase: str, late: bool, reader_tz: str | None = None) -> dict:
    """ "In 1 hour: Blinken meets President Macron — Élysée Palace, Paris — 10:00 CEST".

    `reader_tz`: a personal reminder's, in a DM; its plain text also gives the start on the
    follower's clock, which a notification cannot show with Slack's <!date> token.
    """
    place = ", ".join(part for part in (event.venue, event.city) if part)
    parts = {"title": event.title, "place": place, "when": event_time_text(event)}
    headline = " — ".join(part for part in parts.values() if part)
    yours = reader_time_text(starts_at=event.starts_at, precision=event.precision, tz=reader_tz) if reader_tz else None
    if yours:
        headline += f" ({yours} your time)"
    shown = " — ".join(escaped(part, HEADLINE_CHARS[name]) for name, part in parts.items() if part)
    late_note = " (late: TripDesk was offline or Slack was unavailable at the due time)" if late else ""
    lines = [f":alarm_clock: *{escaped(phrase, 100)}:* {shown}{late_note}"]
    if event.precision is Precision.EXACT:
        lines.append(f"Your time: {reader_time_token(event.starts_at)}  ·  {event.status.label}")
    else:
        lines.append(event.status.label)
    lines += people_coverage_source(event, SECTION_TEXT - sum(len(line) + 1 for line in lines))
    return {
        "text": fallback(f"{phrase}: {headline}{late_note}"),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn("\n".join(lines)),
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
        f"A reminder for *{escaped(event.title, 500)}* could not be posted in <#{channel_id}>: {escaped(why, 500)}. "
        "Edit the event to choose another channel, or invite @TripDesk to it."
    )
    return {
        "text": fallback(f"A reminder for {event.title} could not be posted: {why}."),
        "blocks": [{"type": "section", "text": mrkdwn(text)}],
    }
