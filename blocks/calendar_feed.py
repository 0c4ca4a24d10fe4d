"""`/trip feed`: the address of the live calendar feed and how to subscribe to it."""

from __future__ import annotations

from blocks.text import FALLBACK_TEXT, cut, escaped, mrkdwn

HOW_TO = (
    "*Google Calendar* (on the web): next to *Other calendars*, click *+* → *From URL*, paste the address, "
    "*Add calendar*.\n"
    "*Outlook*: *Add calendar* → *Subscribe from web*, paste the address, name it, *Import*."
)
DELAY = (
    "Google Calendar fetches a subscribed calendar only every 8 to 24 hours, Outlook every few hours: "
    "urgent changes still come through Slack."
)
PRIVATE = (
    "Anyone with this address can read the schedule without signing in: keep it inside the desk. "
    "An editor can replace it with `/trip feed rotate`."
)
NO_PUBLIC_URL = (
    "The calendar feed is served by the bot itself, which does not know its public address yet: "
    "ask whoever runs TripDesk to set TRIPDESK_PUBLIC_URL to its https address (e.g. https://tripdesk.example.org)."
)


def feed_message(url: str, *, query: str = "") -> dict:
    """The address (an https URL built by the bot, safe as it is) and how to subscribe."""
    what = f"Events matching *{escaped(query.strip(), 200)}*" if query.strip() else "The desk's whole schedule"
    lead = f"{what} as a calendar that stays up to date. Subscribe to this address:"
    return _message(lead, url, f"{what.replace('*', '')}: subscribe to {url}")


def rotated_message(url: str | None) -> dict:
    """After `/trip feed rotate`: the new address, and that the old one is gone."""
    lead = (
        "The calendar feed has a new address; the old one has stopped working. "
        "Calendars subscribed to the old one must subscribe again:"
    )
    if url is None:
        text = f"The calendar feed's old address has stopped working. {NO_PUBLIC_URL}"
        return {"text": cut(text, FALLBACK_TEXT), "blocks": [{"type": "section", "text": mrkdwn(text)}]}
    return _message(lead, url, f"The old calendar address has stopped working. New address: {url}")


def no_address_message() -> dict:
    return {"text": NO_PUBLIC_URL, "blocks": [{"type": "section", "text": mrkdwn(NO_PUBLIC_URL)}]}


def _message(lead: str, url: str, text: str) -> dict:
    return {
        "text": cut(text, FALLBACK_TEXT),
        "blocks": [
            {"type": "section", "text": mrkdwn(f"{lead}\n```{url}```")},
            {"type": "section", "text": mrkdwn(HOW_TO)},
            {"type": "context", "elements": [mrkdwn(f":hourglass: {DELAY}")]},
            {"type": "context", "elements": [mrkdwn(f":lock: {PRIVATE}")]},
        ],
    }
