"""The usage card shown by `/trip`, `/trip help` and the Home tab."""

from __future__ import annotations

from blocks.text import FALLBACK_TEXT, cut, mrkdwn, plain

USAGE = [
    ("/trip blinken", "where a person will be: upcoming stops, venue time and yours, who meets whom"),
    ("/trip itinerary blinken", "a principal's trip stop by stop: dates, zone changes, the days with nothing on"),
    ("/trip paris", "what is on in a city or country; `/trip nato` or `/trip unesco` for a keyword"),
    ("/trip today", "today's agenda, by the newsroom's day; `/trip week` for seven days"),
    ("/trip next", "the next events on the schedule, whoever they concern"),
    ("/trip mine", "the events you cover"),
    ("/trip add", "add an event; each card's ⋯ menu edits, postpones, cancels or deletes it"),
    ("/trip draft", "paste a story and add the events it mentions (or a message's ⋯ menu: Draft events from story)"),
    ("/trip history macron", "who changed what, newest first"),
    ("/trip changes", "what others changed since you last asked, by event; `/trip changes 24h` for a span"),
    ("/trip reminders macron", "the reminders of an event and how they went"),
    (
        "/trip feed",
        "the schedule as a calendar to subscribe to in Google Calendar or Outlook; `/trip feed blinken` for one query",
    ),
    ("/trip feeds", "calendars TripDesk keeps in sync (editors: `add https://… name`, `remove 2`, `sync`)"),
    (
        "/trip follow blinken 2h",
        "a DM when a matching event is added, moved or cancelled, and a reminder 2 hours before each",
    ),
    ("/trip following", "what you follow, with the next event of each; `/trip unfollow blinken` to stop"),
]


def usage_blocks() -> list[dict]:
    lines = "\n".join(f"`{command}`  {what}" for command, what in USAGE)
    return [
        {"type": "section", "text": mrkdwn(lines)},
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    "Searches ignore case and accents: `sejourne` finds Séjourné."
                    " Replies are visible only to you until you share them."
                )
            ],
        },
    ]


EVERYONE_EDITS = "Everyone in the workspace can change the schedule: TRIPDESK_EDITORS is empty."


def help_message(*, everyone_edits: bool = False) -> dict:
    """The usage card; `everyone_edits` adds that no one is kept from changing the schedule."""
    text = "TripDesk: where leaders and ministers will be.\n" + "\n".join(f"{c}: {w}" for c, w in USAGE)
    blocks = [{"type": "header", "text": plain("TripDesk: where they will be")}, *usage_blocks()]
    if everyone_edits:
        text += f"\n{EVERYONE_EDITS}"
        blocks.append({"type": "context", "elements": [mrkdwn(f":warning: {EVERYONE_EDITS}")]})
    return {"text": text, "blocks": blocks}


def notice_message(text: str) -> dict:
    """A one-line reply such as a refusal or a correction; `text` is already mrkdwn-safe."""
    return {"text": cut(text, FALLBACK_TEXT), "blocks": [{"type": "section", "text": mrkdwn(text)}]}
